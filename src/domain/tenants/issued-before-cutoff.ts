import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import type { TenantService } from './tenant.service';

/**
 * Seed 003 batch revocation: true when `issuedAt` is earlier than the
 * `tokensRevokedBefore` cutoff of the tenant at `tenantPath` or any ancestor,
 * or when a tenant on the path no longer exists ({@link TenantService.lineageCutoffMs}).
 */
export function issuedBeforeTenantCutoff(tenants: TenantService, tenantPath: string, issuedAt: Date): MaybePromise<boolean> {
  return mapMaybePromise(tenants.lineageCutoffMs(tenantPath), (cutoffMs) => issuedAt.getTime() < cutoffMs);
}
