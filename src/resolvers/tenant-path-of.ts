import type { Domain } from '../domain/create-domain';
import { errors } from '../domain/errors';

/** Path of a tenant by id, from the tenant cache. */
export async function tenantPathOf(domain: Domain, tenantId: string): Promise<string> {
  const tenant = await domain.tenants.findById(tenantId);
  if (!tenant) throw errors.notFound('tenant');
  return tenant.path;
}
