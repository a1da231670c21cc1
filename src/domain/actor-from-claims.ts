import { ADMIN_SCOPE, type Actor } from './actor';
import type { ClientService } from './clients/client.service';
import { errors } from './errors';
import type { TenantService } from './tenants/tenant.service';
import type { AccessTokenClaims } from './tokens/access-token-claims';

/** The actor a verified access token speaks for. */
export async function actorFromClaims(claims: AccessTokenClaims, tenants: TenantService, clients: ClientService): Promise<Actor> {
  const [tenant, client] = await Promise.all([tenants.findByPath(claims.tenant), clients.findByClientId(claims.client_id)]);
  if (!tenant || !client) throw errors.invalidToken();
  const isClientToken = claims.sub === claims.client_id;
  // A scope withdrawn from the client (e.g. `admin`) stops working at once, not at token expiry;
  // and `admin` belongs to clients acting for themselves (docs/contract.md "Tenants"), never to a user's token.
  const scopes = (claims.scope ? claims.scope.split(' ') : []).filter(
    (scope) => client.allowedScopes.includes(scope) && (isClientToken || scope !== ADMIN_SCOPE),
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
