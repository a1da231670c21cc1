import { AuthorizeService } from './authorize/authorize.service';
import { ClientService } from './clients/client.service';
import { ConsentService } from './consents/consent.service';
import type { DomainDeps } from './deps';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { AuthorizationCodeStore } from './grants/authorization-code.store';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { UserTokenIssuer } from './grants/issue-user-tokens';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { GrantRegistry } from './grants/registry';
import { TokenEndpoint } from './grants/token-endpoint';
import { TokenIntrospector } from './introspection/introspect-token';
import { KeyService } from './keys/key.service';
import { TokenFinder } from './revocation/find-token';
import { RevocationService } from './revocation/revocation.service';
import { TokenRevoker } from './revocation/revoke-token';
import { BrowserSessionService } from './sessions/browser-session.service';
import { Seed001Api } from './seeds/seed001-api';
import { UserRegistration } from './seeds/user-registration';
import { TenantService } from './tenants/tenant.service';
import { SlidingWindowLimiter } from './throttle/sliding-window-limiter';
import { AccessTokenService } from './tokens/access-token.service';
import { IdTokenService } from './tokens/id-token.service';
import { RefreshTokenService } from './tokens/refresh-token.service';
import { UserInfoService } from './userinfo/userinfo.service';
import { UserService } from './users/user.service';

/** Wires the domain services together; every transport (REST, GraphQL, pages) shares one instance. */
export function createDomain(deps: DomainDeps) {
  const tenants = new TenantService(deps);
  const clients = new ClientService(deps, tenants);
  const users = new UserService(deps, tenants);
  const keys = new KeyService(deps, tenants);
  const revocation = new RevocationService(deps);
  const accessTokens = new AccessTokenService(deps, tenants, clients, keys, (claims) => revocation.accessTokenState(claims));
  const tokenFinder = new TokenFinder(accessTokens, tenants, clients, deps.clock);
  const tokenRevoker = new TokenRevoker(clients, tokenFinder, revocation);
  const introspection = new TokenIntrospector(clients, tenants, tokenFinder, deps.issuer);
  const userInfo = new UserInfoService(accessTokens);
  const idTokens = new IdTokenService(deps, keys);
  const refreshTokens = new RefreshTokenService(deps, tenants, revocation);
  tokenFinder.useRefreshTokens(refreshTokens);
  const userTokens = new UserTokenIssuer(accessTokens, idTokens);
  const authorizationCodes = new AuthorizationCodeStore(deps, clients, refreshTokens, revocation);
  const grants = new GrantRegistry()
    .register(new ClientCredentialsGrant(accessTokens))
    .register(new AuthorizationCodeGrant(authorizationCodes, refreshTokens, users, tenants, userTokens))
    .register(new RefreshTokenGrant(refreshTokens, tenants, userTokens))
    .register(new PasswordGrant(refreshTokens, users, tenants, userTokens));
  const tokenEndpoint = new TokenEndpoint(clients, tenants, grants, deps.clock);
  const sessions = new BrowserSessionService(deps);
  const consents = new ConsentService(deps);
  const authorize = new AuthorizeService(deps, clients, tenants, users, sessions, consents);
  const limiter = new SlidingWindowLimiter(deps);
  const userRegistration = new UserRegistration(users, tenants, limiter);
  const seed001Api = new Seed001Api(accessTokens);
  return { deps, tenants, clients, users, keys, accessTokens, revocation, idTokens, refreshTokens, tokenFinder, tokenRevoker, introspection, userInfo, grants, tokenEndpoint, sessions, consents, authorize, limiter, userRegistration, seed001Api };
}

export type Domain = ReturnType<typeof createDomain>;
