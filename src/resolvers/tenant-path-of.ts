import type { Domain } from '../composition/create-domain';
import { errors } from '../domain/errors';

/** Path of a tenant by id, from the tenant cache. */
export async function tenantPathOf(domain: Domain, tenantId: string): Promise<string> {
  const tenant = await domain.tenants.findById(tenantId);
  if (!tenant) throw errors.notFound('tenant');
  return tenant.path;
}

/** Maps a page of tenant-owned items, looking each distinct tenant's path up once (a page is usually one tenant). */
export async function mapWithTenantPaths<T extends { tenantId: string }, R>(
  domain: Domain,
  items: readonly T[],
  map: (item: T, tenantPath: string) => R,
): Promise<R[]> {
  const paths = new Map<string, string>();
  for (const tenantId of new Set(items.map((item) => item.tenantId))) paths.set(tenantId, await tenantPathOf(domain, tenantId));
  return items.map((item) => map(item, paths.get(item.tenantId)!));
}
