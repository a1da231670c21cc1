import type { Actor } from '../actor';
import type { ClientService } from '../clients/client.service';
import { errors } from '../errors';
import type { TenantService } from '../tenants/tenant.service';
import { actorFromClaims } from '../actor-from-claims';
import type { AccessTokenService } from '../tokens/access-token.service';

/**
 * The actor a bearer access token speaks for, with the same checks as the
 * GraphQL API (signature, expiry, revocation, disabled client or user, tenant
 * cutoff, scopes still allowed to the client, scope `admin` on a user's token
 * only while the user holds the admin role). `invalid_token` otherwise
 * (RFC 6750 §3.1).
 */
export async function actorFromBearer(
  token: string,
  accessTokens: AccessTokenService,
  tenants: TenantService,
  clients: ClientService,
): Promise<Actor> {
  const { claims, user } = await accessTokens.verify(token);
  try {
    return await actorFromClaims(claims, tenants, clients, user);
  } catch {
    throw errors.invalidToken();
  }
}
