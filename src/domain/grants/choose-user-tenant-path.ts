import { ensure, errors } from '../errors';
import { isWithinTenant, normalizeTenantPath } from '../tenants/tenant-path';

/**
 * Seed 003 `tenant_path` of the password grant: the tenant whose user signs
 * in. Absent means the client's own tenant; otherwise it must be the client's
 * tenant or lie in its subtree, since a client acts for its own tenant tree
 * only (docs/contract.md "Tenants"). A path outside is the client's mistake, whatever
 * the credentials, so it fails with `invalid_request`; a malformed path with
 * `validation_failed` (reported as `invalid_request`).
 */
export function chooseUserTenantPath(requested: string | undefined, clientTenantPath: string): string {
  if (requested === undefined || requested.trim() === '') return clientTenantPath;
  const path = normalizeTenantPath(requested, 'tenant_path');
  ensure(isWithinTenant(path, clientTenantPath), () =>
    errors.invalidRequest(`tenant_path must be ${clientTenantPath} or a tenant below it`, 'tenant_path'),
  );
  return path;
}
