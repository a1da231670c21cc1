import { ClientService } from './clients/client.service';
import type { DomainDeps } from './deps';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GrantRegistry } from './grants/registry';
import { TokenEndpoint } from './grants/token-endpoint';
import { KeyService } from './keys/key.service';
import { RevocationService } from './revocation/revocation.service';
import { TenantService } from './tenants/tenant.service';
import { AccessTokenService } from './tokens/access-token.service';
import { UserService } from './users/user.service';

/** Wires the domain services together; every transport (REST, GraphQL, pages) shares one instance. */
export function createDomain(deps: DomainDeps) {
  const tenants = new TenantService(deps);
  const clients = new ClientService(deps, tenants);
  const users = new UserService(deps, tenants);
  const keys = new KeyService(deps, tenants);
  const accessTokens = new AccessTokenService(deps, tenants, clients, keys);
  const revocation = new RevocationService(deps);
  accessTokens.addCheck((claims) => revocation.isAccessTokenActive(claims));
  const grants = new GrantRegistry().register(new ClientCredentialsGrant(accessTokens));
  const tokenEndpoint = new TokenEndpoint(clients, tenants, grants, deps.clock);
  return { deps, tenants, clients, users, keys, accessTokens, revocation, grants, tokenEndpoint };
}

export type Domain = ReturnType<typeof createDomain>;
