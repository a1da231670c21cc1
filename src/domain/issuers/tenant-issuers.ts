import { decodeJwt } from 'jose';
import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import { DomainError, ensure, errors } from '../errors';
import type { Tenant } from '../tenants/tenant';
import { normalizeTenantPath } from '../tenants/tenant-path';
import type { TenantService } from '../tenants/tenant.service';
import { tenantIssuer, tenantPathFromIssuerSegment } from './tenant-issuer';

/** 404 with the RFC 6749 error shape (`invalid_request`): the issuer URL names no tenant. */
export const unknownIssuer = (): DomainError => new DomainError('not_found', 'unknown issuer');

/**
 * The tenant issuers of this server (see tenant-issuer.ts for their shape):
 * which tenant an issuer segment names, and the rules that keep a tenant
 * issuer's endpoints to that tenant alone — only its clients authenticate (ClientService.authenticate, told the tenant by the request scope),
 * only its users sign in, only tokens it issued are accepted.
 *
 * The segment → tenant lookup is TenantService's cached path lookup, so a
 * warm request resolves its issuer without a query or a promise.
 */
export class TenantIssuers {
  constructor(
    readonly issuerBase: string,
    private readonly tenants: TenantService,
  ) {}

  issuerOf(path: string): string {
    return tenantIssuer(this.issuerBase, path);
  }

  /** The tenant an issuer segment names; `not_found` "unknown issuer" for a malformed segment or a tenant that does not exist. */
  resolve(segment: string): MaybePromise<Tenant> {
    const path = tenantPathFromIssuerSegment(segment);
    if (path === null) throw unknownIssuer();
    // TenantService caches path → tenant (a hit answers at once) and never caches an unknown path.
    return mapMaybePromise(this.tenants.findByPath(path), (tenant) => {
      if (!tenant) throw unknownIssuer();
      return tenant;
    });
  }

  /**
   * Seed 003's `tenant_path` at a tenant issuer: only that tenant's users sign
   * in there, so it may only name the tenant itself (a sub-tenant's users sign
   * in at the sub-tenant's own issuer).
   */
  ensureOwnUsers(tenant: Tenant, requestedTenantPath: string | undefined): void {
    if (requestedTenantPath === undefined || requestedTenantPath.trim() === '') return;
    const path = normalizeTenantPath(requestedTenantPath, 'tenant_path');
    ensure(path === tenant.path, () => errors.invalidRequest(`tenant_path must be ${tenant.path} at this issuer`, 'tenant_path'));
  }

  /**
   * Whether a bearer token claims to be from the tenant's issuer (its `iss`,
   * read without verification): a cheap pre-check; the token must still be
   * verified, which ties its `iss` to the key that signed it.
   */
  claimsIssuer(tenant: Tenant, token: string): boolean {
    try {
      return decodeJwt(token).iss === this.issuerOf(tenant.path);
    } catch {
      return false;
    }
  }
}
