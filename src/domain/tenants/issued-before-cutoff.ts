import type { TenantService } from './tenant.service';
import { tenantPathLineage } from './tenant-path';

/**
 * Seed 003 batch revocation: true when `issuedAt` is earlier than the
 * `tokensRevokedBefore` cutoff of the tenant at `tenantPath` or any ancestor,
 * or when a tenant on the path no longer exists.
 */
export async function issuedBeforeTenantCutoff(tenants: TenantService, tenantPath: string, issuedAt: Date): Promise<boolean> {
  for (const path of tenantPathLineage(tenantPath)) {
    const tenant = await tenants.findByPath(path);
    if (!tenant) return true;
    if (tenant.tokensRevokedBefore && issuedAt.getTime() < tenant.tokensRevokedBefore.getTime()) return true;
  }
  return false;
}
