import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import type { Client } from '../clients/client';
import { ensure, errors } from '../errors';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';

/**
 * The tenant that issues a token: the tenant of the client it is issued to,
 * the OP the client talked to. Its issuer is the token's `iss` and its key
 * signs the token, so the token verifies against that issuer's own JWKS.
 *
 * Usually the token's tenant itself. They differ for seed 003's `tenant_path`
 * (a client of a parent tenant signing in a user of a child tenant): the
 * token's `iss` is then the client's (parent) tenant's issuer, and its
 * `tenant` claim names the user's (child) tenant.
 */
export function issuingTenantOf(tenants: TenantService, client: Client, tokenTenant: Tenant): MaybePromise<Tenant> {
  if (client.tenantId === tokenTenant.id) return tokenTenant;
  return mapMaybePromise(tenants.findById(client.tenantId), (tenant) => {
    ensure(tenant, () => errors.invalidClient());
    return tenant;
  });
}
