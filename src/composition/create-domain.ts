import { ApiService } from '../domain/apis/api.service';
import { AuditLog } from '../domain/audit/audit-log';
import { AuthorizeService } from '../domain/authorize/authorize.service';
import { PushedAuthorizationService } from '../domain/authorize/pushed-authorization.service';
import { RequestObjects } from '../domain/authorize/request-object';
import { ClientService } from '../domain/clients/client.service';
import { ClientAssertions } from '../domain/clients/client-assertion';
import { ClientSignedJwts } from '../domain/clients/client-signed-jwt';
import { ClientKeySets } from '../domain/clients/client-key-sets';
import { ConsentService } from '../domain/consents/consent.service';
import type { Database } from '../data/database';
import { isInfrastructureFailure } from '../data/infrastructure-failure';
import { createRepositories } from '../data/repositories';
import { transactionAwareBus } from '../domain/changes/transaction-aware-bus';
import type { DomainDeps } from '../domain/deps';
import { DeviceRefresher } from '../domain/device-token-sets/device-refresher';
import { VerifiedDeviceTokens } from '../domain/device-token-sets/verified-device-tokens';
import { DeviceTokenSetService } from '../domain/device-token-sets/device-token-set.service';
import { DEVICE_TOKENS } from '../domain/device-token-sets/device-token-set';
import { DeviceAuthorizationService } from '../domain/device-authorization/device-authorization.service';
import { DeviceVerificationService } from '../domain/device-authorization/device-verification.service';
import { DEVICE_CODE, DeviceCodeGrant } from '../domain/grants/device-code.grant';
import { AUTHORIZATION_CODE, AuthorizationCodeGrant } from '../domain/grants/authorization-code.grant';
import { AuthorizationCodes } from '../domain/grants/authorization-codes';
import { CLIENT_CREDENTIALS, ClientCredentialsGrant } from '../domain/grants/client-credentials.grant';
import { TokenTargets } from '../domain/grants/token-targets';
import { UserTokenIssuer } from '../domain/grants/user-token-issuer';
import { PASSWORD, PasswordGrant } from '../domain/grants/password.grant';
import { REFRESH_TOKEN, RefreshTokenGrant } from '../domain/grants/refresh-token.grant';
import { TOKEN_EXCHANGE, TokenExchangeGrant } from '../domain/grants/token-exchange.grant';
import { GrantDeclarations, GrantRegistry } from '../domain/grants/grant-registry';
import { MailOutbox } from '../domain/mail/mail-outbox';
import { EmailVerificationService } from '../domain/mail/email-verification.service';
import { InvitationService } from '../domain/mail/invitation.service';
import { MailTemplates } from '../domain/mail/mail-templates';
import { PasswordResetService } from '../domain/mail/password-reset.service';
import { purgeExpired } from '../domain/maintenance/purge-expired';
import { applyProvisioning, type ApplyOptions } from '../domain/provisioning/apply-provisioning';
import { planForActor } from '../domain/provisioning/plan-for-actor';
import type { Actor } from '../domain/actor';
import { parseProvisioningText } from '../domain/provisioning/parse-provisioning-document';
import type { ProvisioningVariables } from '../domain/provisioning/document-reader';
import type { ProvisioningPlan } from '../domain/provisioning/provisioning-plan';
import { TokenEndpoint } from '../domain/grants/token-endpoint';
import { TokenIntrospector } from '../domain/introspection/token-introspector';
import { prepareFirstSigningKey } from '../domain/keys/first-signing-key';
import { TenantIssuers } from '../domain/issuers/tenant-issuers';
import { TenantJwks } from '../domain/issuers/tenant-jwks';
import { KeyService } from '../domain/keys/key.service';
import { SecretRotation } from '../domain/crypto/secret-rotation';
import { TokenFinder } from '../domain/tokens/token-finder';
import { IssuanceCounter } from '../domain/revocation/state/issuance-counter';
import { RevocationCheck } from '../domain/revocation/state/revocation-check';
import { ScopedRevocation } from '../domain/revocation/scoped-revocation';
import { RevocationService } from '../domain/revocation/revocation.service';
import { ReplayGuard } from '../domain/replay/replay-guard';
import { ClientRegistrationService } from '../domain/registration/client-registration.service';
import { InitialAccessTokens } from '../domain/registration/initial-access-tokens';
import { DpopNonces } from '../domain/dpop/dpop-nonces';
import { DpopProofs } from '../domain/dpop/dpop-proofs';
import { RoleService } from '../domain/roles/role.service';
import { ScimService } from '../domain/scim/scim.service';
import { ScimTokens } from '../domain/scim/scim-tokens';
import { WebhookDispatcher } from '../domain/webhooks/webhook-dispatcher';
import { webhookEventOf } from '../domain/webhooks/webhook-events';
import { WebhookService } from '../domain/webhooks/webhook.service';
import { TokenRevoker } from '../domain/revocation/token-revoker';
import { SecondFactorService } from '../domain/mfa/second-factor.service';
import { PasskeyService } from '../domain/passkeys/passkey.service';
import { BrowserSessionService } from '../domain/sessions/browser-session.service';
import { createBackchannelLogout } from '../domain/sessions/backchannel-logout';
import { SessionAdminService } from '../domain/sessions/session-admin.service';
import { RpInitiatedLogout } from '../domain/sessions/rp-initiated-logout';
import type { SessionEndedSink } from '../domain/sessions/session-ended';
import { Seed001Api } from '../domain/compat/seed001-api';
import { UserRegistration } from '../domain/compat/user-registration';
import { TenantService } from '../domain/tenants/tenant.service';
import { BruteForceGuard } from '../domain/throttle/brute-force-guard';
import { SlidingWindowLimiter } from '../domain/throttle/sliding-window-limiter';
import { AccessTokenService } from '../domain/tokens/access-token.service';
import { IdTokenService } from '../domain/tokens/id-token.service';
import { RefreshTokenService } from '../domain/tokens/refresh-token.service';
import { UserInfoService } from '../domain/userinfo/userinfo.service';
import { UserService } from '../domain/users/user.service';
import { IdentityProviderService } from '../domain/federation/identity-provider.service';
import { FederatedSignInService } from '../domain/federation/federated-sign-in.service';
import { UpstreamLogoutService } from '../domain/federation/upstream-logout.service';
import { FederatedIdentityService } from '../domain/federation/federated-identity.service';
import { UpstreamFailure } from '../domain/federation/upstream-relying-party';

/**
 * Composition root of the domain: builds every service once, in dependency order (each from
 * services built before it; no setter wires anything in afterwards). Every transport (REST,
 * GraphQL, pages, start-up provisioning) shares the one instance.
 */
function createDomain(input: DomainDeps) {
  // What a service publishes inside a transaction waits for its commit; caches stand aside inside one.
  const deps: DomainDeps = { ...input, bus: transactionAwareBus(input.bus, input.stores.transactions) };
  const { stores } = deps;
  // 1. Leaves: audit trail, tenants, browser sessions, the rate-limit table and the brute-force guard over it.
  // The webhook delivery worker; the audit trail writes deliveries with its rows (one transaction) and wakes it.
  const webhookDispatcher = new WebhookDispatcher(stores.webhooks, deps.outbound, deps.secret, deps.clock, deps.log, {
    firstRetryMs: deps.webhookRetryFirstMs ?? 5_000,
  });
  const audit = new AuditLog(stores.audit, deps.clock, deps.log, {
    eventOf: webhookEventOf,
    // Written inside a caller's transaction: the worker can see the rows only once it commits.
    written: () => {
      if (!stores.transactions.afterCommit(async () => webhookDispatcher.wake())) webhookDispatcher.wake();
    },
  });
  const tenants = new TenantService(deps, stores.tenants, (algorithm) => prepareFirstSigningKey(deps, stores.signingKeys, algorithm));
  const limiter = new SlidingWindowLimiter(stores.rateLimits, deps.clock);
  const bruteForce = new BruteForceGuard(limiter, deps.clock, deps.bus, audit, deps.log);
  // Single-use identifiers (assertion and DPoP proof `jti`, `request_uri`), refused on every process once used.
  const replays = new ReplayGuard(stores.replays, deps.clock);
  // DPoP proofs (RFC 9449): stateless nonces from the server secret, proof jti claimed through the replay guard.
  const dpop = new DpopProofs(
    new DpopNonces((value) => deps.secret.mac('dpop-nonce', value), deps.clock),
    replays,
    deps.clock,
    deps.dpopRequireNonce ?? false,
  );
  // 2. The grant catalogue from the grant declarations alone (handlers come at 6), then the clients validated against it.
  const grantCatalogue = new GrantDeclarations(
    [CLIENT_CREDENTIALS, AUTHORIZATION_CODE, REFRESH_TOKEN, PASSWORD, DEVICE_CODE, TOKEN_EXCHANGE],
    [DEVICE_TOKENS],
  );
  // The revoke operations (one per scope) need only stores: disabling a client writes its cutoff through them.
  const revocationCheck = new RevocationCheck(deps, stores.revocations);
  const issuance = new IssuanceCounter(stores.revocations);
  const revocation = new RevocationService(deps, stores.revocations, issuance, stores.devices);
  // JWTs signed by a client (assertions, request objects): keys registered or fetched from jwks_uri through the outbound port.
  const clientJwts = new ClientSignedJwts(new ClientKeySets(deps.outbound, deps.clock), replays, deps.clock);
  const clients = new ClientService(
    deps,
    stores.clients,
    tenants,
    grantCatalogue,
    bruteForce,
    (client, at) => revocation.revokeClient(client, at),
    stores.transactions,
    // RFC 7523 client assertions: keys registered or fetched from jwks_uri through the outbound port, jti once via the replay guard.
    new ClientAssertions(deps.issuer, tenants, clientJwts),
  );
  // 3. Keys, revocation state, and the token services over them.
  const keys = new KeyService(deps, stores.signingKeys, tenants, audit);
  // OIDC Back-Channel Logout: the sink every path that ends browser sessions reports to (session-ended.ts); built
  // here, before anything that ends sessions. An outbox in PostgreSQL and its worker POST each client with a
  // backchannel_logout_uri a logout token signed like its ID tokens.
  const backchannelLogout = createBackchannelLogout({
    store: stores.backchannelLogouts,
    issuer: deps.issuer,
    keys,
    tenants,
    clients,
    outbound: deps.outbound,
    transactions: stores.transactions,
    audit,
    clock: deps.clock,
    log: deps.log,
  });
  const accessTokens = new AccessTokenService(
    deps,
    tenants,
    clients,
    keys,
    (claims) => revocationCheck.accessTokenState(claims),
    (claims, tenantId) => issuance.record(claims, tenantId),
  );
  const idTokens = new IdTokenService(deps, keys, tenants);
  const refreshTokens = new RefreshTokenService(deps, stores.refreshTokens, clients, tenants, revocation);
  // 4. The token lookup (access and refresh tokens), and what revokes and introspects through it.
  const tokenFinder = new TokenFinder(accessTokens, tenants, refreshTokens);
  const tokenRevoker = new TokenRevoker(clients, tokenFinder, revocation, audit);
  const introspection = new TokenIntrospector(clients, tenants, tokenFinder, deps.issuer);
  const userInfo = new UserInfoService(accessTokens);
  // Every tenant is an issuer: its segment → tenant lookup, its client and user rules, its own JWKS.
  const tenantIssuers = new TenantIssuers(deps.issuer, tenants);
  const tenantJwks = new TenantJwks(stores.signingKeys, deps.clock, deps.bus);
  const scopedRevocation = new ScopedRevocation(deps.clock, tenants, clients, tokenFinder, revocation);
  // 4b. Email flows: the outbox and its delivery worker (off without SMTP_URL), and email verification links.
  const mail = new MailOutbox(stores.mailOutbox, deps.mail ?? null, stores.transactions, tenants, deps.secret, deps.clock, deps.log);
  const mailTemplates = new MailTemplates(stores.mailTemplates, tenants, deps.clock);
  const emailVerification = new EmailVerificationService(
    stores.accountTokens,
    mail,
    tenants,
    deps.clock,
    (path) => tenantIssuers.issuerOf(path),
    stores.users,
    deps.bus,
    stores.transactions,
    mailTemplates,
  );
  // 4c. Browser sessions: ending one revokes the families issued under it and reports it to the session-ended sink
  // (src/domain/sessions/session-ended.ts): back-channel logout, which tells every client of the session.
  const sessionEndedSink: SessionEndedSink = backchannelLogout;
  const sessions = new BrowserSessionService(
    stores.browserSessions,
    deps.clock,
    { familiesRevoked: (ids) => revocation.familiesRevoked(ids), warn: (details, message) => deps.log.warn(details, message) },
    sessionEndedSink,
  );
  // 5. Users: disabling one (on any path) raises its revocation cutoff; a changed email is verified anew.
  const users = new UserService(deps.bus, stores.users, tenants, sessions, (user) => scopedRevocation.revokeAllOf(user), {
    transactions: stores.transactions,
    send: (user) => emailVerification.send(user),
  });
  const sessionAdmin = new SessionAdminService(sessions, users, tenants);
  // OIDC RP-Initiated Logout 1.0: the end_session_endpoint's checks (hint, client, post-logout redirect URI).
  const rpLogout = new RpInitiatedLogout(tenantIssuers, tenants, clients, keys);
  // 5b. APIs (RFC 8707 resources) and roles, and the token targets the grants narrow to them with.
  const apis = new ApiService(deps.bus, stores.apis, stores.transactions, tenants);
  const roles = new RoleService(deps.bus, stores.roles, stores.transactions, tenants, apis, users, clients);
  const tokenTargets = new TokenTargets(apis, roles);
  // 6. The grant handlers over the catalogue, and the token endpoint.
  const userTokens = new UserTokenIssuer(accessTokens, idTokens);
  const authorizationCodes = new AuthorizationCodes(
    deps,
    stores.authorizationCodes,
    stores.transactions,
    clients,
    refreshTokens,
    revocation,
  );
  // RFC 8628: the device authorization endpoint and the polling its grant runs on.
  const deviceAuthorizations = new DeviceAuthorizationService(
    deps,
    stores.deviceAuthorizations,
    clients,
    tenants,
    apis,
    stores.transactions,
    refreshTokens,
  );
  // Passkeys and security keys (WebAuthn): the issuer's host is the RP ID, challenges consumed through the replay guard.
  const passkeys = new PasskeyService(stores.passkeys, replays, deps.secret, deps.clock, bruteForce, audit, deps.issuer);
  // Second factors (TOTP, recovery codes, passkeys), throttled by the same guard as passwords.
  const secondFactors = new SecondFactorService(
    stores.secondFactors,
    stores.roles,
    deps.secret,
    deps.clock,
    bruteForce,
    audit,
    'tenant-idp',
    users,
    tenants,
    passkeys,
  );
  const grants = new GrantRegistry(grantCatalogue, [
    new ClientCredentialsGrant(accessTokens, tokenTargets),
    new AuthorizationCodeGrant(authorizationCodes, refreshTokens, users, tenants, userTokens, tokenTargets),
    new RefreshTokenGrant(refreshTokens, tenants, userTokens, tokenTargets),
    new PasswordGrant(refreshTokens, users, tenants, userTokens, bruteForce, tokenTargets, secondFactors, audit),
    new DeviceCodeGrant(deviceAuthorizations, refreshTokens, users, tenants, userTokens, tokenTargets),
    new TokenExchangeGrant(accessTokens, tokenTargets, deps.issuer),
  ]);
  const tokenEndpoint = new TokenEndpoint(clients, tenants, grants, deps.clock, audit, dpop);
  // 7. Browser flows, seed integrations and device token sets.
  const consents = new ConsentService(stores.consents);
  // RFC 9101 request objects, signed with the client's keys as its assertions are.
  const requestObjects = new RequestObjects(deps.issuer, tenants, clientJwts);
  const pushedAuthorization = new PushedAuthorizationService(deps, clients, tenants, apis, replays, requestObjects);
  // Upstream identity providers (issue 23): managed per tenant; sign-in through them over the relying party of deps.upstream.
  const identityProviders = new IdentityProviderService(stores.identityProviders, tenants, deps.secret, deps.outbound.policy, deps.issuer);
  const unavailable = () => Promise.reject(new UpstreamFailure('unavailable', 'no relying party configured'));
  const upstreamRelyingParty = deps.upstream ?? {
    authorizationUrl: unavailable,
    redeem: unavailable,
    verifySignature: unavailable,
    endSessionUrl: unavailable,
  };
  // Links of users to upstream identities: made after the account's own sign-in, listed, unlinked (never the last way in).
  const federatedIdentities = new FederatedIdentityService(
    stores.identityProviders,
    identityProviders,
    tenants,
    users,
    passkeys,
    replays,
    deps.secret,
    deps.clock,
    audit,
  );
  const federation = new FederatedSignInService(
    identityProviders,
    stores.identityProviders,
    upstreamRelyingParty,
    tenants,
    users,
    stores.users,
    sessions,
    stores.transactions,
    replays,
    deps.secret,
    deps.clock,
    deps.log,
    audit,
    federatedIdentities,
  );
  // Logout with the upstream: its back-channel logout ends the sessions it made; ending one here logs out there too.
  const upstreamLogout = new UpstreamLogoutService(
    identityProviders,
    stores.identityProviders,
    upstreamRelyingParty,
    tenants,
    sessions,
    replays,
    deps.secret,
    deps.clock,
    deps.log,
    audit,
  );
  const authorize = new AuthorizeService(
    deps,
    clients,
    tenants,
    users,
    sessions,
    consents,
    bruteForce,
    apis,
    pushedAuthorization,
    requestObjects,
    secondFactors,
    audit,
    passkeys,
    federation,
    federatedIdentities,
  );
  const deviceVerification = new DeviceVerificationService(
    deps,
    stores.deviceAuthorizations,
    clients,
    tenants,
    users,
    sessions,
    bruteForce,
    secondFactors,
    audit,
    passkeys,
  );
  const userRegistration = new UserRegistration(users, tenants, limiter, audit);
  const seed001Api = new Seed001Api(accessTokens);
  // Dynamic client registration (RFC 7591, RFC 7592): initial access tokens, and clients registering themselves.
  const initialAccessTokens = new InitialAccessTokens(stores.initialAccessTokens, tenants, deps.secret, deps.clock);
  const clientRegistration = new ClientRegistrationService(
    clients,
    stores.clientRegistrations,
    initialAccessTokens,
    limiter,
    stores.transactions,
    deps.secret,
    deps.clock,
    audit,
    { grantTypes: grants.tokenGrantTypes, outbound: deps.outbound.policy },
  );
  const devices = new DeviceTokenSetService(deps, stores.devices, users, clients, tenants, idTokens, revocation, bruteForce);
  const deviceRefresh = new DeviceRefresher(
    refreshTokens,
    clients,
    tenants,
    accessTokens,
    idTokens,
    stores.devices,
    deps.clock,
    new VerifiedDeviceTokens(deps.bus, revocationCheck.sync, () => deps.clock.now().getTime()),
    deps.log,
  );
  // 7b. Password reset by mail.
  const passwordReset = new PasswordResetService(
    users,
    stores.accountTokens,
    mail,
    limiter,
    stores.transactions,
    deps.clock,
    (path) => tenantIssuers.issuerOf(path),
    mailTemplates,
  );
  // 7c. Invitations: a user made by an admin chooses their own password through a mailed link.
  const invitations = new InvitationService(
    users,
    stores.accountTokens,
    mail,
    tenants,
    stores.transactions,
    deps.clock,
    (path) => tenantIssuers.issuerOf(path),
    mailTemplates,
  );
  // 7d. SCIM 2.0 provisioning (RFC 7644): a tenant's bearer tokens, and users and roles through their services.
  const scimTokens = new ScimTokens(stores.scimTokens, tenants, deps.clock);
  const webhooks = new WebhookService(stores.webhooks, tenants, webhookDispatcher, deps.outbound.policy, deps.secret, deps.clock);
  const scim = new ScimService(users, roles, stores.scimDirectory, stores.transactions, audit);
  // 8. Operations: the janitor's purge, and PROVISION_FILE.
  const maintenance = { purgeExpired: () => purgeExpired(deps) };
  // Transports get services, the issuer and the log; `deps` (stores, secret, bus) stays in here.
  const applyAndKey = async (plan: ProvisioningPlan, options: ApplyOptions) => {
    const outcome = await applyProvisioning(
      { transactions: stores.transactions, tenants, clients, users, apis, roles, identityProviders },
      plan,
      options,
    );
    // The tenants it created get their first key (once committed; a few at once, many in the background,
    // each at its first signing need if that comes first; a failure leaves them to the next start).
    if (outcome.report.tenants.created > 0)
      await keys
        .keyTenantsWithoutKey()
        .catch((error: unknown) => deps.log.warn({ err: error }, 'provisioning: could not key the new tenants'));
    return outcome;
  };
  const provisioning = {
    /** Validates a provisioning file's text against this server's grant catalogue (throws ProvisioningError). */
    parse: (text: string, variables: ProvisioningVariables) => parseProvisioningText(text, variables, grantCatalogue),
    /** Applies a validated plan in one transaction. */
    apply: async (plan: ProvisioningPlan) => (await applyAndKey(plan, {})).report,
    /**
     * The admin API's apply (`applyProvisioning`, `tenant-idp apply`): a document within the caller's subtree,
     * its references resolved by the sender, applied the same way; a confidential client created without a
     * secret gets one, returned once.
     */
    applyAs: (actor: Actor, document: unknown) =>
      applyAndKey(planForActor(actor, document, grantCatalogue), { generateMissingSecrets: true }),
  };
  const secretRotation = new SecretRotation(deps.secret, stores.sealedValues, deps.log);
  return {
    issuer: deps.issuer,
    log: deps.log,
    clock: deps.clock,
    maintenance,
    provisioning,
    audit,
    tenants,
    clients,
    users,
    keys,
    secretRotation,
    accessTokens,
    revocation,
    revocationCheck,
    idTokens,
    refreshTokens,
    tokenFinder,
    tokenRevoker,
    introspection,
    userInfo,
    grants,
    tokenEndpoint,
    sessions,
    sessionAdmin,
    rpLogout,
    consents,
    authorize,
    secondFactors,
    passkeys,
    deviceAuthorizations,
    deviceVerification,
    pushedAuthorization,
    limiter,
    bruteForce,
    replays,
    dpop,
    userRegistration,
    initialAccessTokens,
    clientRegistration,
    seed001Api,
    issuance,
    scopedRevocation,
    tenantIssuers,
    tenantJwks,
    devices,
    deviceRefresh,
    apis,
    roles,
    mail,
    passwordReset,
    emailVerification,
    invitations,
    mailTemplates,
    scimTokens,
    scim,
    backchannelLogout,
    identityProviders,
    federation,
    upstreamLogout,
    federatedIdentities,
    webhooks,
    webhookDispatcher,
  };
}

/** The services every transport is handed (transports import this type, never `createDomain`). */
export type Domain = ReturnType<typeof createDomain>;

/** What the domain is built from besides its stores: the process's secret, clock, change bus, issuer and log. */
export type DomainEnvironment = Omit<DomainDeps, 'stores' | 'isUnavailable'>;

/** The domain over the data layer: its stores are the repositories over `db`, and the data layer says which errors mean "database unavailable". */
export function createDomainFromDatabase(db: Database, environment: DomainEnvironment): Domain {
  return createDomain({ ...environment, stores: createRepositories(db), isUnavailable: isInfrastructureFailure });
}
