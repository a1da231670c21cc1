import { errors } from './errors';
import { isWithinTenant } from './tenants/tenant-path';

/** Who is calling, as established from a verified access token. */
export interface Actor {
  /** `sub` of the token: a user id, or the client id for client_credentials. */
  readonly subject: string;
  readonly clientId: string;
  readonly tenantId: string;
  readonly tenantPath: string;
  readonly scopes: readonly string[];
  /** Set when the token was issued to a user. */
  readonly userId?: string;
  readonly jti: string;
}

export const ADMIN_SCOPE = 'admin';

/**
 * An admin manages its own tenant and its subtree, nothing else (docs/contract.md
 * "Tenants"). Throws `forbidden` otherwise, or `insufficient_scope`-style
 * `forbidden` when the token lacks the `admin` scope.
 */
export function assertManages(actor: Actor, tenantPath: string): void {
  if (!actor.scopes.includes(ADMIN_SCOPE)) throw errors.forbidden('this operation requires scope "admin"');
  if (!isWithinTenant(tenantPath, actor.tenantPath)) {
    throw errors.forbidden(`tenant ${tenantPath} is outside the caller's tenant ${actor.tenantPath}`);
  }
}
