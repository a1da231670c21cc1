import { AuditLog } from './audit/audit-log';
import { AuthorizeService } from './authorize/authorize.service';
import { transactionAwareBus } from './cache/transaction-aware-bus';
import { ClientService } from './clients/client.service';
import { ConsentService } from './consents/consent.service';
import type { DomainDeps } from './deps';
import { DeviceRefresher } from './devices/device-refresh';
import { VerifiedDeviceTokens } from './devices/verified-device-tokens';
import { DeviceService } from './devices/device.service';
import { DEVICE_TOKENS } from './devices/device-token-set';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { AuthorizationCodes } from './grants/authorization-codes';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { UserTokenIssuer } from './grants/user-token-issuer';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { GrantRegistry } from './grants/registry';
import { purgeExpired } from './maintenance/purge-expired';
import { applyProvisioning } from './provisioning/apply-provisioning';
import { parseProvisioningText } from './provisioning/parse-provisioning-document';
import type { ProvisioningVariables } from './provisioning/document-reader';
import type { ProvisioningPlan } from './provisioning/provisioning-plan';
import { TokenEndpoint } from './grants/token-endpoint';
import { TokenIntrospector } from './introspection/introspect-token';
import { KeyService } from './keys/key.service';
import { TokenFinder } from './revocation/find-token';
import { IssuanceCounter } from './revocation/issuance-counter';
import { ScopedRevocation } from './revocation/scoped-revocation.service';
import { RevocationService } from './revocation/revocation.service';
import { TokenRevoker } from './revocation/revoke-token';
import { BrowserSessionService } from './sessions/browser-session.service';
import { Seed001Api } from './seeds/seed001-api';
import { UserRegistration } from './seeds/user-registration';
import { TenantService } from './tenants/tenant.service';
import { BruteForceGuard } from './throttle/brute-force-guard';
import { SlidingWindowLimiter } from './throttle/sliding-window-limiter';
import { AccessTokenService } from './tokens/access-token.service';
import { IdTokenService } from './tokens/id-token.service';
import { RefreshTokenService } from './tokens/refresh-token.service';
import { UserInfoService } from './userinfo/userinfo.service';
import { UserService } from './users/user.service';

/** Wires the domain services together; every transport (REST, GraphQL, pages) shares one instance. */
export function createDomain(input: DomainDeps) {
  // What a service publishes inside a transaction waits for its commit; caches stand aside inside one.
  const deps: DomainDeps = { ...input, bus: transactionAwareBus(input.bus, input.stores.transactions) };
  const { stores } = deps;
  const audit = new AuditLog(stores.audit, deps.clock, deps.log);
  const tenants = new TenantService(deps, stores.tenants);
  const clients = new ClientService(deps, stores.clients, tenants, stores.revocations, stores.transactions);
  const sessions = new BrowserSessionService(stores.browserSessions, deps.clock);
  const users = new UserService(deps.bus, stores.users, tenants, sessions);
  const limiter = new SlidingWindowLimiter(stores.rateLimits, deps.clock);
  const bruteForce = new BruteForceGuard(limiter, deps.clock, deps.bus, audit, deps.log, (clientId) => clients.auditTenantPathOf(clientId));
  clients.useGuard(bruteForce);
  const keys = new KeyService(deps, stores.signingKeys, tenants);
  const revocation = new RevocationService(deps, stores.revocations);
  const issuance = new IssuanceCounter(stores.revocations);
  const accessTokens = new AccessTokenService(
    deps,
    tenants,
    clients,
    keys,
    (claims) => revocation.accessTokenState(claims),
    (claims, tenantId) => issuance.record(claims, tenantId),
  );
  const tokenFinder = new TokenFinder(accessTokens, tenants);
  const tokenRevoker = new TokenRevoker(clients, tokenFinder, revocation, audit);
  const introspection = new TokenIntrospector(clients, tenants, tokenFinder, deps.issuer);
  const userInfo = new UserInfoService(accessTokens);
  const idTokens = new IdTokenService(deps, keys);
  const refreshTokens = new RefreshTokenService(deps, stores.refreshTokens, clients, tenants, revocation);
  tokenFinder.useRefreshTokens(refreshTokens);
  const userTokens = new UserTokenIssuer(accessTokens, idTokens);
  const authorizationCodes = new AuthorizationCodes(deps, stores.authorizationCodes, stores.transactions, clients, refreshTokens, revocation);
  const grants = new GrantRegistry()
    .register(new ClientCredentialsGrant(accessTokens))
    .register(new AuthorizationCodeGrant(authorizationCodes, refreshTokens, users, tenants, userTokens))
    .register(new RefreshTokenGrant(refreshTokens, tenants, userTokens))
    .register(new PasswordGrant(refreshTokens, users, tenants, userTokens, bruteForce, audit))
    .declare(DEVICE_TOKENS);
  clients.useGrants(grants);
  const tokenEndpoint = new TokenEndpoint(clients, tenants, grants, deps.clock, audit);
  const consents = new ConsentService(stores.consents);
  const authorize = new AuthorizeService(deps, clients, tenants, users, sessions, consents, bruteForce, audit);
  const userRegistration = new UserRegistration(users, tenants, limiter, audit);
  const seed001Api = new Seed001Api(accessTokens);
  const scopedRevocation = new ScopedRevocation(deps, stores.revocations, issuance, tenants, clients, users, tokenFinder, revocation);
  users.useTokenRevocation((user) => scopedRevocation.revokeAllOf(user));
  const devices = new DeviceService(deps, stores.devices, users, clients, tenants, idTokens, scopedRevocation, bruteForce);
  const deviceRefresh = new DeviceRefresher(refreshTokens, clients, tenants, accessTokens, idTokens, stores.devices, deps.clock, new VerifiedDeviceTokens(deps.bus, revocation.sync, () => deps.clock.now().getTime()), deps.log);
  const maintenance = { purgeExpired: () => purgeExpired(deps) };
  // Transports get services, the issuer and the log; `deps` (stores, secret, bus) stays in here.
  const provisioning = {
    /** Validates a provisioning file's text against this server's grant registry (throws ProvisioningError). */
    parse: (text: string, variables: ProvisioningVariables) => parseProvisioningText(text, variables, grants),
    /** Applies a validated plan in one transaction. */
    apply: (plan: ProvisioningPlan) => applyProvisioning({ transactions: stores.transactions, tenants, clients, users }, plan),
  };
  return { issuer: deps.issuer, log: deps.log, clock: deps.clock, maintenance, provisioning, audit, tenants, clients, users, keys, accessTokens, revocation, idTokens, refreshTokens, tokenFinder, tokenRevoker, introspection, userInfo, grants, tokenEndpoint, sessions, consents, authorize, limiter, bruteForce, userRegistration, seed001Api,
    issuance,
    scopedRevocation,
    devices,
    deviceRefresh,
  };
}

export type Domain = ReturnType<typeof createDomain>;
