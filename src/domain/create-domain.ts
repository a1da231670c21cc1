import { DeviceRepository } from '../data/device.repository';
import { RevocationRepository } from '../data/revocation.repository';
import { AuthorizeService } from './authorize/authorize.service';
import { ClientService } from './clients/client.service';
import { ConsentService } from './consents/consent.service';
import type { DomainDeps } from './deps';
import { DeviceRefresher } from './devices/device-refresh';
import { DeviceService } from './devices/device.service';
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
import { IssuanceCounter } from './revocation/issuance-counter';
import { ScopedRevocation } from './revocation/scoped-revocation.service';
import { RevocationService } from './revocation/revocation.service';
import { TokenRevoker } from './revocation/revoke-token';
import { BrowserSessionService } from './sessions/browser-session.service';
import { TenantService } from './tenants/tenant.service';
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
  const revocationStore = new RevocationRepository(deps.orm);
  const issuance = new IssuanceCounter(revocationStore);
  const accessTokens = new AccessTokenService(
    deps,
    tenants,
    clients,
    keys,
    (claims) => revocation.accessTokenState(claims),
    (claims, tenantId) => issuance.record(claims, tenantId),
  );
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
  const scopedRevocation = new ScopedRevocation(deps, revocationStore, issuance, tenants, clients, users, tokenFinder, revocation);
  const deviceStore = new DeviceRepository(deps.orm);
  const devices = new DeviceService(deps, deviceStore, users, clients, tenants, idTokens, scopedRevocation);
  const deviceRefresh = new DeviceRefresher(refreshTokens, clients, tenants, accessTokens, idTokens, deviceStore, deps.clock);
  return {
    deps,
    tenants,
    clients,
    users,
    keys,
    accessTokens,
    revocation,
    idTokens,
    refreshTokens,
    tokenFinder,
    tokenRevoker,
    introspection,
    userInfo,
    grants,
    tokenEndpoint,
    sessions,
    consents,
    authorize,
    issuance,
    scopedRevocation,
    devices,
    deviceRefresh,
  };
}

export type Domain = ReturnType<typeof createDomain>;
