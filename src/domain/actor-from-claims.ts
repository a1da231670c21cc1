import { ADMIN_SCOPE, type Actor } from './actor';
import type { ClientService } from './clients/client.service';
import { errors } from './errors';
import type { TenantService } from './tenants/tenant.service';
import type { AccessTokenClaims } from './tokens/access-token-claims';
import type { User } from './users/user';

/**
 * The actor a verified access token speaks for: the one owner of "is this bearer an admin" for
 * every path that takes one (GraphQL, seed 001 `/register_client` and `/register_user`, seed 003
 * batch revocation). `user` is the token's user as the verification just read it from the
 * database (null for client tokens), so a user's admin role, like its enabled flag, is as of
 * this request. It is required: without it a human admin's token would lose scope `admin`.
 */
export async function actorFromClaims(
  claims: AccessTokenClaims,
  tenants: TenantService,
  clients: ClientService,
  user: User | null,
): Promise<Actor> {
  const [tenant, client] = await Promise.all([tenants.findByPath(claims.tenant), clients.findByClientId(claims.client_id)]);
  if (!tenant || !client) throw errors.invalidToken();
  const isClientToken = claims.sub === claims.client_id;
  // A scope withdrawn from the client (e.g. `admin`) stops working at once, not at token expiry.
  // On a user's token `admin` counts only while that user holds the admin role in the token's tenant:
  // removing the role, or disabling the user, ends it on the next request.
  const userIsAdmin =
    !isClientToken && user !== null && user.id === claims.sub && user.enabled && user.admin && user.tenantId === tenant.id;
  const scopes = (claims.scope ? claims.scope.split(' ') : []).filter(
    (scope) => client.allowedScopes.includes(scope) && (isClientToken || scope !== ADMIN_SCOPE || userIsAdmin),
  );
  return {
    subject: claims.sub,
    clientId: claims.client_id,
    tenantId: tenant.id,
    tenantPath: tenant.path,
    scopes,
    userId: isClientToken ? undefined : claims.sub,
    jti: claims.jti,
  };
}
