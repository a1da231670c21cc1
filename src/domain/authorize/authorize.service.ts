import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { randomToken, sha256 } from '../crypto/random';
import { accountClientId, accountPageUrl, ensureAccountClient } from '../account/account-client';
import { normalizeTenantPath } from '../tenants/tenant-path';
import type { User } from '../users/user';
import { isServerMadeClientId, serverMadeClientInPlace } from '../clients/validate-client-id';
import { redirectUriMatches } from '../clients/validate-redirect-uri';
import type { ConsentService } from '../consents/consent.service';
import { scopesNeedingConsent } from '../consents/scopes-needing-consent';
import type { DomainDeps } from '../deps';
import { DomainError, errors, isDomainError } from '../errors';
import type { BrowserSession, StartedSession } from '../sessions/browser-session';
import type { BrowserSessionService } from '../sessions/browser-session.service';
import type { Tenant } from '../tenants/tenant';
import type { MaybePromise } from '../util/maybe-promise';
import type { TenantService } from '../tenants/tenant.service';
import type { AuditLog } from '../audit/audit-log';
import type { BruteForceGuard } from '../throttle/brute-force-guard';
import type { UserService } from '../users/user.service';
import type { AuthorizationRequest, RawAuthorizationParams, RedirectTarget, ResponseMode } from './authorization-request';
import { tenantIssuer } from '../issuers/tenant-issuer';
import { authorizationResponse, errorParams, successParams } from './authorization-response';
import type { AuthorizeOutcome, BrowserContext, InteractionScreen, SignInResult, SignInScreen } from './authorize-outcome';
import { issueAuthorizationCode } from './issue-authorization-code';
import { INTERACTION_LIFETIME_SECONDS, PendingAuthorizationSealer, type PendingAuthorization } from './pending-authorization';
import { isPushedRequestUri, type PushedAuthorizationService } from './pushed-authorization.service';
import { readParam } from './read-param';
import { RequestObjectRefused, type RequestObjects } from './request-object';
import { profileRequirements, type ProfileRequirements } from '../profiles/security-profile';
import { resolveRedirectUri } from './resolve-redirect-uri';
import {
  asksForMfa,
  isMultiFactor,
  PASSKEY_ONLY,
  PASSWORD_AND_OTP,
  PASSWORD_AND_PASSKEY,
  type Authentication,
} from '../mfa/authentication-methods';
import type { PasskeyCeremony, PasskeyService } from '../passkeys/passkey.service';
import type { SecondFactorService } from '../mfa/second-factor.service';
import { supportsFormPost, validateAuthorizationRequest } from './validate-authorization-request';
import type { FederatedSignInService } from '../federation/federated-sign-in.service';
import type { FederatedIdentityService } from '../federation/federated-identity.service';
import type { PendingLink } from '../federation/federation-link';

/**
 * Where the error of a request goes once its redirect URI is trusted: `form_post` when that
 * was asked for and can be honoured, else the query (an invalid `response_mode` is itself
 * reported by query redirect).
 */
function requestedResponseMode(params: RawAuthorizationParams, redirectUri: string): ResponseMode {
  const value = params.response_mode;
  return value === 'form_post' && supportsFormPost(redirectUri) ? 'form_post' : 'query';
}

/** The account page's client before its tenant is known, in throttling subjects. */
const ACCOUNT_CLIENT_NONE = 'account';

const signInScreen = (screen: InteractionScreen): SignInScreen => ({
  clientName: screen.client.name,
  tenantName: screen.tenant.name,
  tenantPath: screen.tenant.path,
  redirectUri: screen.request.redirectUri,
  pending: screen.pending,
});

/** The account page's form: nothing in it comes from the database. */
const accountScreen = (tenantPath: string, request: AuthorizationRequest, pending: string): SignInScreen => ({
  clientName: 'Account',
  tenantName: null,
  tenantPath,
  redirectUri: request.redirectUri,
  pending,
});

const pageError = (error: unknown): AuthorizeOutcome => {
  if (isDomainError(error)) return { kind: 'error-page', error };
  throw error;
};

/** What the user reads when a sign-in link cannot be trusted, whatever the reason. */
export const UNTRUSTED_LINK_TEXT = "This application's sign-in link is not valid.";

/**
 * The one answer, before client and redirect URI are trusted, for a missing,
 * repeated, unknown or disabled client and for a missing, repeated or
 * unregistered redirect URI: the page cannot tell which application ids exist
 * or what they registered. The reason is kept as `detail` (logs only).
 */
const untrustedLink = (detail: string): DomainError => new DomainError('invalid_request', UNTRUSTED_LINK_TEXT, { detail });

/**
 * The authorization endpoint of the code flow (RFC 6749 §4.1, RFC 7636,
 * RFC 9207, OIDC Core §3.1.2), as three steps any transport can drive:
 * {@link start} for the request, {@link signIn} and {@link decide} for the
 * forms. Client and redirect URI are validated before anything else; until
 * they are, failures are error pages, never redirects.
 */
/** What the authorization endpoint needs of the APIs: RFC 8707 resolution (ApiService). */
export interface ApiDirectoryResolver {
  resolve(tenant: Tenant, resources: readonly string[]): MaybePromise<unknown>;
}

export class AuthorizeService {
  private readonly sealer: PendingAuthorizationSealer;

  constructor(
    private readonly deps: DomainDeps,
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    private readonly users: UserService,
    private readonly sessions: BrowserSessionService,
    private readonly consents: ConsentService,
    private readonly guard: BruteForceGuard,
    /** RFC 8707: resolves the request's `resource` values (an unknown or foreign one is `invalid_target`). */
    private readonly apis: ApiDirectoryResolver,
    /** RFC 9126: the pushed requests a `request_uri` stands for. */
    private readonly pushed: PushedAuthorizationService,
    /** RFC 9101: the signed request objects a `request` carries. */
    private readonly requestObjects: RequestObjects,
    /** Second factors (TOTP, recovery codes) and the tenant's policy for them. */
    private readonly secondFactors: SecondFactorService,
    private readonly audit?: AuditLog,
    /** Passkeys and security keys (WebAuthn): sign-in alone or as the second factor. */
    private readonly passkeys?: PasskeyService,
    /** Upstream identity providers (issue 23): home-realm discovery and "Sign in with …" on the sign-in form. */
    private readonly federation?: FederatedSignInService,
    /** Links to upstream identities (issue 23): the link page of a first federated sign-in that collides with an existing account. */
    private readonly links?: FederatedIdentityService,
  ) {
    this.sealer = new PendingAuthorizationSealer(deps.secret, deps.clock);
  }

  /**
   * RFC 6749 §4.1.1: validates the request, then signs in, asks consent or issues a code as needed.
   * With a `request_uri` from `/par` (RFC 9126 §4) the pushed parameters are used and every other
   * one but `client_id` ignored; an unknown, expired, used or another client's request_uri is an
   * error page (`invalid_request_uri`): nothing about the request can be trusted yet. Likewise
   * with a signed `request` object (RFC 9101 §5): its parameters alone make the request. An
   * object whose signature fails is an error page (`invalid_request_object`); one signed by the
   * client but refused for a claim (expired, replayed, wrong `aud`…) is redirected, with its own
   * `state`, to its `redirect_uri` once that is found registered.
   */
  async start(sent: RawAuthorizationParams, browser: BrowserContext): Promise<AuthorizeOutcome> {
    let client: Client;
    let target: RedirectTarget;
    let params = sent;
    let pushed = false;
    let signed = false;
    let refusedObject: RequestObjectRefused | null = null;
    try {
      const clientId = readParam(sent, 'client_id');
      if (clientId === undefined) throw errors.invalidRequest('client_id is required', 'client_id');
      client = await this.trustedClient(clientId);
    } catch (error) {
      return pageError(isDomainError(error) ? untrustedLink(error.detail ?? error.description) : error);
    }
    try {
      const requestUri = readParam(sent, 'request_uri');
      if (readParam(sent, 'request') !== undefined) {
        params = await this.requestObjects.open(client, sent);
        signed = true;
      } else if (requestUri !== undefined && isPushedRequestUri(requestUri)) {
        ({ params, signed } = await this.pushed.take(client, requestUri));
        pushed = true;
      }
    } catch (error) {
      if (!(error instanceof RequestObjectRefused) || !error.authentic) return pageError(error);
      refusedObject = error;
      params = error.authentic;
    }
    try {
      target = { redirectUri: resolveRedirectUri(client, readParam(params, 'redirect_uri')), state: null };
    } catch (error) {
      return pageError(isDomainError(error) ? untrustedLink(error.detail ?? error.description) : error);
    }
    try {
      target = { ...target, state: readParam(params, 'state') ?? null };
      target = { ...target, responseMode: requestedResponseMode(params, target.redirectUri) };
      if (refusedObject) throw refusedObject;
      if (!signed && client.requireSignedRequestObject) {
        throw errors.invalidRequest('this client must send its authorization requests as signed request objects', 'request');
      }
      const required = profileRequirements(await this.tenantOf(client), client);
      if (!pushed && (await this.mustPush(client, required))) {
        throw errors.invalidRequest(
          'this client must push its authorization requests to the pushed authorization request endpoint first',
          'request_uri',
        );
      }
      const request = validateAuthorizationRequest(client, target.redirectUri, params, required);
      if (request.resources && request.resources.length > 0) {
        const tenant = await this.tenants.findById(client.tenantId);
        if (!tenant) throw errors.unauthorizedClient('the client has no tenant');
        await this.apis.resolve(tenant, request.resources);
      }
      return await this.proceed(client, request, await this.sessions.find(browser.sessionToken), browser.binding, false);
    } catch (error) {
      return this.failureRedirect(client, target, error);
    }
  }

  /**
   * Checks the sign-in form; a failure shows the form again with one generic message (no user enumeration).
   * Failed passwords are throttled per account and client IP: a locked one shows the form with the wait, unchecked.
   */
  async signIn(
    form: { pending?: string; username?: string; password?: string; provider?: string },
    browser: BrowserContext,
    /** `{I}/authorize/federated` of the issuer the form was posted to: where a federated sign-in continues. */
    resumeAction?: string,
  ): Promise<SignInResult> {
    let pending: PendingAuthorization;
    let client: Client;
    try {
      pending = this.sealer.open(form.pending, browser.binding, 'sign-in');
      if (pending.accountTenantPath !== undefined) return await this.accountSignIn(pending, pending.accountTenantPath, form, browser);
      client = await this.trustedClient(pending.request.clientId, pending.request.redirectUri);
    } catch (error) {
      return { outcome: pageError(error), started: null };
    }
    let started: StartedSession | null = null;
    try {
      const tenant = await this.tenantOf(client);
      if (this.federation && resumeAction) {
        // An upstream that cannot be used is an error page here (the user may go back and sign in another way), not a redirect.
        let start: Awaited<ReturnType<FederatedSignInService['begin']>> | null = null;
        try {
          const upstream = await this.federation.route(tenant, form);
          const resume = upstream && this.seal({ stage: 'federated', request: pending.request, userId: null }, browser.binding);
          start = upstream && (await this.federation.begin(tenant, upstream, resume!, resumeAction));
        } catch (error) {
          return { outcome: pageError(error), started: null };
        }
        if (start) return { outcome: { kind: 'upstream', ...start }, started: null };
      }
      const { user, retryAfterSeconds } = await this.checkPassword(client, tenant, form, browser);
      this.audit?.record({
        action: 'signin',
        outcome: user ? 'success' : 'failure',
        tenantPath: tenant.path,
        actorKind: user ? 'user' : 'anonymous',
        // The username tried, for a failure: never the password.
        actorId: user ? user.id : (form.username ?? null),
        actorClientId: client.clientId,
        clientIp: browser.scope?.clientIp ?? null,
        requestId: browser.scope?.requestId ?? null,
        ...(retryAfterSeconds !== undefined ? { detail: { throttled: true } } : {}),
      });
      if (!user) {
        const screen = {
          ...signInScreen({ client, tenant, request: pending.request, pending: this.sealer.seal(pending, browser.binding!) }),
          ...(await this.federationOptions(tenant)),
        };
        return {
          outcome: {
            kind: 'sign-in',
            screen,
            failed: true,
            username: form.username ?? null,
            retryAfterSeconds,
            ...this.passkeyOffer(browser.binding),
          },
          started: null,
        };
      }
      const step = await this.secondFactorStep(client, tenant, user, pending.request, [], browser.binding);
      if (step) return { outcome: step, started: null };
      // A fresh cookie on every sign-in (no fixation); the previous session ends, or continues for the same user.
      started = await this.sessions.signIn(browser.sessionToken, client.tenantId, user.id);
      return { outcome: await this.proceed(client, pending.request, started.session, browser.binding, true), started };
    } catch (error) {
      return { outcome: await this.failureRedirect(client, pending.request, error), started };
    }
  }

  private async checkPassword(client: Client, tenant: Tenant, form: { username?: string; password?: string }, browser: BrowserContext) {
    return this.throttledCheck(
      { tenantId: tenant.id, tenantPath: tenant.path, clientId: client.clientId },
      form,
      browser,
      (username, password) => this.users.verifyCredentials(tenant.id, username, password),
    );
  }

  /** A password check under the brute-force guard (per account and client IP); a lock answers no user and the wait. */
  private async throttledCheck(
    account: { tenantId: string; tenantPath: string; clientId: string },
    form: { username?: string; password?: string },
    browser: BrowserContext,
    verify: (username: string, password: string) => Promise<User | null>,
  ): Promise<{ user: User | null; retryAfterSeconds?: number }> {
    const { username, password } = form;
    if (!username || !password) return { user: null };
    const subject = { kind: 'account', ...account, username } as const;
    try {
      return { user: await this.guard.protect({ subject, scope: browser.scope, owed: 'access_denied' }, () => verify(username, password)) };
    } catch (error) {
      if (isDomainError(error) && error.code === 'too_many_requests') return { user: null, retryAfterSeconds: error.retryAfterSeconds };
      throw error;
    }
  }

  /**
   * The account page's sign-in (seed 002's `/account`) for the tenant at `tenantPath`: the
   * same form whether that tenant exists or not, built without reading the database, and
   * nothing is created. The tenant is looked up only when the form is posted
   * ({@link accountSignIn}); its account client is made, if missing, only after one of its
   * users has signed in. A malformed path fails with `validation_failed`, whatever exists.
   */
  startAccountSignIn(tenantPath: string, browser: BrowserContext): AuthorizeOutcome {
    const path = normalizeTenantPath(tenantPath, 'tenant');
    // The code this sign-in ends with is never redeemed: the page runs on the browser session.
    const request: AuthorizationRequest = {
      clientId: '',
      redirectUri: accountPageUrl(this.deps.issuer),
      scopes: ['openid'],
      state: randomToken(16),
      nonce: null,
      codeChallenge: sha256(randomToken(32)),
      codeChallengeMethod: 'S256',
      prompt: [],
      maxAge: null,
    };
    const pending = this.seal({ stage: 'sign-in', request, userId: null, accountTenantPath: path }, browser.binding);
    return {
      kind: 'sign-in',
      screen: accountScreen(path, request, pending),
      failed: false,
      username: null,
      ...this.passkeyOffer(browser.binding),
    };
  }

  /**
   * The posted account sign-in: a tenant that does not exist fails exactly like a wrong
   * password (same decoy hashing, same throttling per account and IP, same form), so the
   * page tells nobody which tenants exist. After a successful sign-in the tenant's own
   * account client (never another tenant's client of that id) is found or made, and the
   * request goes on like any other: session, code, back to `/account`.
   */
  private async accountSignIn(
    pending: PendingAuthorization,
    path: string,
    form: { username?: string; password?: string },
    browser: BrowserContext,
  ): Promise<SignInResult> {
    const tenant = await this.tenants.findByPath(path);
    const clientId = tenant ? accountClientId(tenant) : ACCOUNT_CLIENT_NONE;
    // An absent tenant still has a throttling bucket of its own (by path), so locks look the same.
    const account = { tenantId: tenant?.id ?? `absent:${path}`, tenantPath: path, clientId };
    const { user, retryAfterSeconds } = await this.throttledCheck(account, form, browser, (username, password) =>
      tenant ? this.users.verifyCredentials(tenant.id, username, password) : this.users.rejectCredentials(password),
    );
    if (tenant) {
      this.audit?.record({
        action: 'signin',
        outcome: user ? 'success' : 'failure',
        tenantPath: tenant.path,
        actorKind: user ? 'user' : 'anonymous',
        actorId: user ? user.id : (form.username ?? null),
        actorClientId: clientId,
        clientIp: browser.scope?.clientIp ?? null,
        requestId: browser.scope?.requestId ?? null,
        ...(retryAfterSeconds !== undefined ? { detail: { throttled: true } } : {}),
      });
    }
    if (!user || !tenant) {
      const screen = accountScreen(path, pending.request, this.sealer.seal(pending, browser.binding!));
      return {
        outcome: {
          kind: 'sign-in',
          screen,
          failed: true,
          username: form.username ?? null,
          retryAfterSeconds,
          ...this.passkeyOffer(browser.binding),
        },
        started: null,
      };
    }
    const client = await ensureAccountClient(this.clients, tenant, pending.request.redirectUri);
    if (!client.enabled || !redirectUriMatches(client.redirectUris, pending.request.redirectUri)) {
      throw new DomainError('access_denied', 'the account page is switched off for this tenant');
    }
    const request = { ...pending.request, clientId: client.clientId };
    const step = await this.secondFactorStep(client, tenant, user, request, [], browser.binding);
    if (step) return { outcome: step, started: null };
    const started = await this.sessions.signIn(browser.sessionToken, tenant.id, user.id);
    try {
      return { outcome: await this.proceed(client, request, started.session, browser.binding, true), started };
    } catch (error) {
      return { outcome: await this.failureRedirect(client, request, error), started };
    }
  }

  /** The consent form: Allow records the grant and issues a code; Deny answers `access_denied` (RFC 6749 §4.1.2.1). */
  async decide(form: { pending?: string; allow: boolean }, browser: BrowserContext): Promise<AuthorizeOutcome> {
    let pending: PendingAuthorization;
    let client: Client;
    let session: BrowserSession | null;
    try {
      pending = this.sealer.open(form.pending, browser.binding, 'consent');
      client = await this.trustedClient(pending.request.clientId, pending.request.redirectUri);
      session = await this.sessions.find(browser.sessionToken);
      if (!session || session.userId !== pending.userId || session.tenantId !== client.tenantId) {
        throw errors.invalidRequest(
          'you are no longer signed in as the user this request was for; return to the application and start again',
        );
      }
    } catch (error) {
      return pageError(error);
    }
    const { request } = pending;
    if (!form.allow) return this.failureRedirect(client, request, new DomainError('access_denied', 'the user denied the request'));
    try {
      await this.consents.grant(client.tenantId, session.userId, client.clientId, request.scopes);
      return await this.issue(client, request, session);
    } catch (error) {
      return this.failureRedirect(client, request, error);
    }
  }

  /**
   * Once client and redirect URI are known good, failures go back to the
   * client (RFC 6749 §4.1.2.1); an unexpected one is logged with its cause and
   * sent as `server_error` with a generic description.
   */
  private async failureRedirect(client: Client, target: RedirectTarget, error: unknown): Promise<AuthorizeOutcome> {
    let reported: DomainError;
    if (isDomainError(error)) {
      reported = error;
    } else if (this.deps.isUnavailable(error)) {
      this.deps.log.error({ err: error, redirectUri: target.redirectUri }, 'authorization request failed: database unavailable');
      reported = new DomainError('temporarily_unavailable', 'the server is temporarily unavailable; try again later');
    } else {
      this.deps.log.error({ err: error, redirectUri: target.redirectUri }, 'authorization request failed');
      reported = new DomainError('server_error', 'the server could not complete the request; try again later');
    }
    let issuer: string;
    try {
      issuer = await this.issuerOf(client);
    } catch (lookup) {
      return pageError(isDomainError(lookup) ? untrustedLink('the client has no tenant') : lookup);
    }
    return authorizationResponse(target, errorParams(target, reported, issuer));
  }

  private async proceed(
    client: Client,
    request: AuthorizationRequest,
    found: BrowserSession | null,
    binding: string | undefined,
    fresh: boolean,
  ): Promise<AuthorizeOutcome> {
    const session = found && found.tenantId === client.tenantId ? found : null;
    const interactive = !request.prompt.includes('none');
    if (!session || (!fresh && this.mustReauthenticate(request, session))) {
      if (!interactive) throw new DomainError('login_required', 'the user is not signed in');
      const tenant = await this.tenantOf(client);
      const screen = {
        ...signInScreen({ client, tenant, request, pending: this.seal({ stage: 'sign-in', request, userId: null }, binding) }),
        ...(await this.federationOptions(tenant)),
      };
      return { kind: 'sign-in', screen, failed: false, username: null, ...this.passkeyOffer(binding) };
    }
    if (!fresh && !isMultiFactor(session.amr)) {
      // A session with a password only, where a second factor is owed (acr_values, enrolment, policy): step up.
      const tenant = await this.tenantOf(client);
      const user = await this.users.findById(session.userId);
      if (!user) throw new DomainError('login_required', 'the user is not signed in');
      if (await this.owedSecondFactor(tenant, user, request)) {
        if (!interactive) throw new DomainError('login_required', 'a second factor is required');
        const step = await this.secondFactorStep(client, tenant, user, request, session.amr, binding);
        if (step) return step;
      }
    }
    // A first-party client is never asked for consent (scopesNeedingConsent): its grants need not be read.
    const granted = client.firstParty ? [] : await this.consents.grantedScopes(session.userId, client.clientId);
    const newScopes = scopesNeedingConsent(request.scopes, granted, {
      firstParty: client.firstParty,
      force: request.prompt.includes('consent'),
    });
    if (newScopes.length > 0) {
      if (!interactive) throw new DomainError('consent_required', 'the user has not consented to the requested scopes');
      const user = await this.users.findById(session.userId);
      if (!user) throw new DomainError('login_required', 'the user is not signed in');
      const screen = {
        client,
        tenant: await this.tenantOf(client),
        request,
        pending: this.seal({ stage: 'consent', request, userId: user.id }, binding),
      };
      return { kind: 'consent', screen, user, newScopes };
    }
    return this.issue(client, request, session);
  }

  /** Which second-factor step a user who has proven only a password owes for this request (SecondFactorService.owed). */
  private async owedSecondFactor(tenant: Tenant, user: User, request: AuthorizationRequest): Promise<'verify' | 'enrol' | null> {
    return this.secondFactors.owed(tenant, user, asksForMfa(request.acrValues));
  }

  /** The second-factor page owed after a password (`amr` so far), or null when none is owed. */
  private async secondFactorStep(
    client: Client,
    tenant: Tenant,
    user: User,
    request: AuthorizationRequest,
    amr: readonly string[],
    binding: string | undefined,
    /** The sealed link request the sign-in is for (the link page), carried to the stage that completes it. */
    link?: string,
  ): Promise<AuthorizeOutcome | null> {
    if (isMultiFactor(amr)) return null;
    const owed = await this.owedSecondFactor(tenant, user, request);
    if (owed === null) return null;
    const carried = link !== undefined ? { link } : {};
    if (owed === 'verify') {
      const pending = this.seal({ stage: 'second-factor', request, userId: user.id, ...carried }, binding);
      return {
        kind: 'second-factor',
        screen: signInScreen({ client, tenant, request, pending }),
        failed: false,
        ...(await this.passkeyFactorOffer(user, binding)),
      };
    }
    const enrolment = (await this.secondFactors.pendingTotp(tenant, user)) ?? (await this.secondFactors.startTotp(tenant, user));
    const pending = this.seal({ stage: 'enrol-factor', request, userId: user.id, ...carried }, binding);
    return { kind: 'enrol-factor', screen: signInScreen({ client, tenant, request, pending }), enrolment, failed: false };
  }

  /** Opens a pending second-factor stage: the client still trusted, the user still there and enabled. */
  private async openFactorStage(sealed: string | undefined, browser: BrowserContext, stage: 'second-factor' | 'enrol-factor' | 'continue') {
    const pending = this.sealer.open(sealed, browser.binding, stage);
    const client = await this.trustedClient(pending.request.clientId, pending.request.redirectUri);
    const tenant = await this.tenantOf(client);
    const user = pending.userId ? await this.users.findById(pending.userId) : null;
    if (!user || !user.enabled || user.tenantId !== tenant.id) {
      throw errors.invalidRequest('this sign-in can no longer be completed; return to the application and start again');
    }
    return { pending, client, tenant, user };
  }

  /**
   * The second-factor form: a TOTP code (each accepted once) or an unused recovery code. Wrong codes
   * show the form again and are throttled per user and source (the brute-force guard); a right one
   * starts a fresh session recording `pwd otp mfa` and the request goes on.
   */
  async verifySecondFactor(form: { pending?: string; code?: string }, browser: BrowserContext): Promise<SignInResult> {
    let opened: Awaited<ReturnType<AuthorizeService['openFactorStage']>>;
    try {
      opened = await this.openFactorStage(form.pending, browser, 'second-factor');
    } catch (error) {
      return { outcome: pageError(error), started: null };
    }
    const { pending, client, tenant, user } = opened;
    let started: StartedSession | null = null;
    try {
      let retryAfterSeconds: number | undefined;
      let proof = null;
      try {
        proof = await this.secondFactors.verify(tenant, user, form.code ?? '', browser.scope);
      } catch (error) {
        if (!isDomainError(error) || error.code !== 'too_many_requests') throw error;
        retryAfterSeconds = error.retryAfterSeconds ?? 60;
      }
      if (!proof) {
        const screen = signInScreen({ client, tenant, request: pending.request, pending: this.seal(pending, browser.binding) });
        return {
          outcome: {
            kind: 'second-factor',
            screen,
            failed: true,
            retryAfterSeconds,
            ...(await this.passkeyFactorOffer(user, browser.binding)),
          },
          started: null,
        };
      }
      const signedIn = await this.signInProven(pending, tenant, user, browser, PASSWORD_AND_OTP);
      if ('refused' in signedIn) return { outcome: signedIn.refused, started: null };
      started = signedIn.started;
      return { outcome: await this.proceed(client, pending.request, started.session, browser.binding, true), started };
    } catch (error) {
      return { outcome: await this.failureRedirect(client, pending.request, error), started };
    }
  }

  /**
   * The enrolment form of a sign-in that owes a second factor: the first code confirms the new
   * authenticator; then a fresh session (`pwd otp mfa`) starts and the recovery codes are shown once,
   * with a form that continues the request ({@link continueAfterEnrolment}).
   */
  async enrolSecondFactor(form: { pending?: string; code?: string }, browser: BrowserContext): Promise<SignInResult> {
    let opened: Awaited<ReturnType<AuthorizeService['openFactorStage']>>;
    try {
      opened = await this.openFactorStage(form.pending, browser, 'enrol-factor');
    } catch (error) {
      return { outcome: pageError(error), started: null };
    }
    const { pending, client, tenant, user } = opened;
    try {
      let retryAfterSeconds: number | undefined;
      let codes: string[] | null = null;
      try {
        codes = await this.secondFactors.confirmTotp(tenant, user, form.code ?? '', browser.scope);
      } catch (error) {
        if (!isDomainError(error) || error.code !== 'too_many_requests') throw error;
        retryAfterSeconds = error.retryAfterSeconds ?? 60;
      }
      if (!codes) {
        const enrolment = (await this.secondFactors.pendingTotp(tenant, user)) ?? (await this.secondFactors.startTotp(tenant, user));
        const screen = signInScreen({ client, tenant, request: pending.request, pending: this.seal(pending, browser.binding) });
        return { outcome: { kind: 'enrol-factor', screen, enrolment, failed: true, retryAfterSeconds }, started: null };
      }
      const signedIn = await this.signInProven(pending, tenant, user, browser, PASSWORD_AND_OTP);
      if ('refused' in signedIn) return { outcome: signedIn.refused, started: null };
      const { started } = signedIn;
      const next = this.seal({ stage: 'continue', request: pending.request, userId: user.id }, browser.binding);
      return {
        outcome: { kind: 'recovery-codes', screen: signInScreen({ client, tenant, request: pending.request, pending: next }), codes },
        started,
      };
    } catch (error) {
      return { outcome: await this.failureRedirect(client, pending.request, error), started: null };
    }
  }

  /**
   * `{I}/authorize/federated`: after the federation callback started a session, the pending request
   * (sealed for this browser when the sign-in form sent it upstream) goes on with that session.
   * The session must be of the client's tenant and begun within the interaction's lifetime.
   */
  async resumeFederated(form: { pending?: string }, browser: BrowserContext): Promise<AuthorizeOutcome> {
    let pending: PendingAuthorization;
    let client: Client;
    let session: BrowserSession | null;
    try {
      pending = this.sealer.open(form.pending, browser.binding, 'federated');
      client = await this.trustedClient(pending.request.clientId, pending.request.redirectUri);
      session = await this.sessions.find(browser.sessionToken);
      const recent =
        session !== null && this.deps.clock.now().getTime() - session.authTime.getTime() <= INTERACTION_LIFETIME_SECONDS * 1000;
      if (!session || session.tenantId !== client.tenantId || !recent) {
        throw errors.invalidRequest('you are not signed in for this request; return to the application and start again');
      }
    } catch (error) {
      return pageError(error);
    }
    try {
      return await this.proceed(client, pending.request, session, browser.binding, true);
    } catch (error) {
      return this.failureRedirect(client, pending.request, error);
    }
  }

  /**
   * `GET {I}/authorize/federated/link`: the federation callback found that the upstream profile
   * collides with an existing account of the tenant and sent the browser here with the pending
   * request (sealed for this browser) and the sealed link request paired with it. Shows the page
   * "An account for … already exists here": that account's own sign-in links the provider.
   */
  async startLink(form: { pending?: string; link?: string }, browser: BrowserContext): Promise<AuthorizeOutcome> {
    try {
      if (!this.links) throw errors.invalidRequest('linking is not available on this server');
      const pending = this.sealer.open(form.pending, browser.binding, 'federated');
      const client = await this.trustedClient(pending.request.clientId, pending.request.redirectUri);
      const tenant = await this.tenantOf(client);
      const link = this.links.openLink(form.link, form.pending);
      if (link.tenantId !== tenant.id) throw errors.invalidRequest('this link request is not for this application; start again');
      const provider = await this.links.providerOf(link);
      const next = this.seal({ stage: 'link', request: pending.request, userId: link.userId, link: form.link }, browser.binding);
      const screen = signInScreen({ client, tenant, request: pending.request, pending: next });
      return { kind: 'link-account', screen, shown: link.shown, providerName: provider.name, failed: false };
    } catch (error) {
      return pageError(error);
    }
  }

  /**
   * `POST {I}/authorize/federated/link`: the existing account's password (under the brute-force
   * guard, audited as a sign-in), then the second factor the tenant's policy owes it (the
   * sign-in's own second-factor step, which completes the link); only then is the upstream
   * identity linked to it and the user signed in, the request going on. Cancel: the sign-in form.
   * A wrong password shows the page again, nothing linked.
   */
  async linkAccount(form: { pending?: string; password?: string; cancel?: boolean }, browser: BrowserContext): Promise<SignInResult> {
    let pending: PendingAuthorization;
    let client: Client;
    let tenant: Tenant;
    let user: User | null;
    let shown: string;
    let providerName: string;
    try {
      if (!this.links) throw errors.invalidRequest('linking is not available on this server');
      pending = this.sealer.open(form.pending, browser.binding, 'link');
      client = await this.trustedClient(pending.request.clientId, pending.request.redirectUri);
      tenant = await this.tenantOf(client);
      const link = this.links.openLink(pending.link);
      providerName = (await this.links.providerOf(link)).name;
      shown = link.shown;
      user = await this.users.findById(link.userId);
    } catch (error) {
      return { outcome: pageError(error), started: null };
    }
    let started: StartedSession | null = null;
    try {
      if (form.cancel) return { outcome: await this.proceed(client, pending.request, null, browser.binding, false), started };
      if (!user || !user.enabled || user.tenantId !== tenant.id) {
        return {
          outcome: pageError(errors.invalidRequest('this account can no longer be linked; return to the application and start again')),
          started,
        };
      }
      const { user: proven, retryAfterSeconds } = await this.checkPassword(
        client,
        tenant,
        { username: user.username, password: form.password },
        browser,
      );
      this.audit?.record({
        action: 'signin',
        outcome: proven ? 'success' : 'failure',
        tenantPath: tenant.path,
        actorKind: proven ? 'user' : 'anonymous',
        actorId: proven ? proven.id : user.username,
        actorClientId: client.clientId,
        clientIp: browser.scope?.clientIp ?? null,
        requestId: browser.scope?.requestId ?? null,
        detail: { link: true, ...(retryAfterSeconds !== undefined ? { throttled: true } : {}) },
      });
      if (!proven || proven.id !== user.id) {
        const screen = signInScreen({ client, tenant, request: pending.request, pending: this.seal(pending, browser.binding) });
        return { outcome: { kind: 'link-account', screen, shown, providerName, failed: true, retryAfterSeconds }, started };
      }
      const step = await this.secondFactorStep(client, tenant, user, pending.request, [], browser.binding, pending.link);
      if (step) return { outcome: step, started };
      const signedIn = await this.signInProven(pending, tenant, user, browser);
      if ('refused' in signedIn) return { outcome: signedIn.refused, started };
      started = signedIn.started;
      return { outcome: await this.proceed(client, pending.request, started.session, browser.binding, true), started };
    } catch (error) {
      return { outcome: await this.failureRedirect(client, pending.request, error), started };
    }
  }

  /**
   * The session of a sign-in whose account proved all it owes. When it is the link page's sign-in,
   * the pending link is made first (else its refusal page, and no session), and the session
   * remembers the upstream sign-in it came from, as a direct federated sign-in's does.
   */
  private async signInProven(
    pending: PendingAuthorization,
    tenant: Tenant,
    user: User,
    browser: BrowserContext,
    authentication?: Authentication,
  ): Promise<{ refused: AuthorizeOutcome } | { started: StartedSession }> {
    let link: PendingLink | null = null;
    if (pending.link !== undefined) {
      try {
        if (!this.links) throw errors.invalidRequest('linking is not available on this server');
        link = this.links.openLink(pending.link);
        await this.links.linkAfterProof(tenant, link, user, browser.scope);
      } catch (error) {
        return { refused: pageError(error) };
      }
    }
    const started = await this.sessions.signIn(browser.sessionToken, tenant.id, user.id, authentication);
    if (link) await this.federation?.rememberUpstream(started.session.sid, link);
    return { started };
  }

  /** The sign-in form's federation parts (buttons, home-realm hint), none without providers. */
  private async federationOptions(tenant: Tenant): Promise<{ providers?: SignInScreen['providers']; homeRealm?: boolean }> {
    if (!this.federation) return {};
    const { providers, homeRealm } = await this.federation.options(tenant);
    return providers.length > 0 ? { providers, homeRealm } : {};
  }

  /** After the recovery codes were shown: the request goes on with the session the enrolment started. */
  async continueAfterEnrolment(form: { pending?: string }, browser: BrowserContext): Promise<AuthorizeOutcome> {
    let opened: Awaited<ReturnType<AuthorizeService['openFactorStage']>>;
    let session: BrowserSession | null;
    try {
      opened = await this.openFactorStage(form.pending, browser, 'continue');
      session = await this.sessions.find(browser.sessionToken);
      if (!session || session.userId !== opened.user.id || !isMultiFactor(session.amr)) {
        throw errors.invalidRequest(
          'you are no longer signed in as the user this request was for; return to the application and start again',
        );
      }
    } catch (error) {
      return pageError(error);
    }
    try {
      return await this.proceed(opened.client, opened.pending.request, session, browser.binding, true);
    } catch (error) {
      return this.failureRedirect(opened.client, opened.pending.request, error);
    }
  }

  /**
   * "Sign in with a passkey" on the sign-in form: a discoverable credential of the tenant's user,
   * verified with user verification (PasskeyService.authenticate), counts as multi-factor (`hwk user
   * mfa`): a fresh session starts and the request goes on. A refused or throttled passkey shows the
   * sign-in form again with the reason; nothing is changed.
   */
  async signInWithPasskey(form: { pending?: string; ticket?: string; response?: string }, browser: BrowserContext): Promise<SignInResult> {
    let pending: PendingAuthorization;
    let client: Client | null = null;
    let tenant: Tenant | null;
    try {
      if (!this.passkeys) throw errors.invalidRequest('passkeys are not available on this server');
      pending = this.sealer.open(form.pending, browser.binding, 'sign-in');
      if (pending.accountTenantPath !== undefined) {
        tenant = await this.tenants.findByPath(pending.accountTenantPath);
      } else {
        client = await this.trustedClient(pending.request.clientId, pending.request.redirectUri);
        tenant = await this.tenantOf(client);
      }
    } catch (error) {
      return { outcome: pageError(error), started: null };
    }
    const again = (message: string, retryAfterSeconds?: number): SignInResult => {
      const sealed = this.sealer.seal(pending, browser.binding!);
      const screen =
        pending.accountTenantPath !== undefined
          ? accountScreen(pending.accountTenantPath, pending.request, sealed)
          : signInScreen({ client: client!, tenant: tenant!, request: pending.request, pending: sealed });
      return {
        outcome: {
          kind: 'sign-in',
          screen,
          failed: true,
          username: null,
          retryAfterSeconds,
          message,
          ...this.passkeyOffer(browser.binding),
        },
        started: null,
      };
    };
    if (!form.response) return again('Signing in with a passkey needs JavaScript and a browser that supports passkeys.');
    let user: User | null = null;
    try {
      // The credential's user was read with it (one round trip); the checks below apply to it as to any read.
      user = (await this.passkeys.authenticate('sign-in', tenant, form, browser)).owner;
    } catch (error) {
      if (isDomainError(error) && error.code === 'too_many_requests')
        return again('Too many failed passkey attempts.', error.retryAfterSeconds ?? 60);
      if (isDomainError(error) && error.code === 'access_denied') return again(error.description);
      throw error;
    }
    if (!user || !user.enabled || !tenant || user.tenantId !== tenant.id) return again('This account cannot sign in.');
    let started: StartedSession | null = null;
    let request = pending.request;
    try {
      if (!client) {
        client = await ensureAccountClient(this.clients, tenant, pending.request.redirectUri);
        if (!client.enabled || !redirectUriMatches(client.redirectUris, pending.request.redirectUri)) {
          throw new DomainError('access_denied', 'the account page is switched off for this tenant');
        }
        request = { ...pending.request, clientId: client.clientId };
      }
      started = await this.sessions.signIn(browser.sessionToken, tenant.id, user.id, PASSKEY_ONLY);
      return { outcome: await this.proceed(client, request, started.session, browser.binding, true), started };
    } catch (error) {
      if (!client) return { outcome: pageError(error), started };
      return { outcome: await this.failureRedirect(client, request, error), started };
    }
  }

  /**
   * "Use a passkey" on the second-factor form: one of the user's credentials (user verification
   * preferred: a security key without a PIN counts as the second factor) starts a fresh session
   * recording `pwd hwk mfa`. A refused one shows the form again with the reason, nothing changed.
   */
  async verifySecondFactorPasskey(
    form: { pending?: string; ticket?: string; response?: string },
    browser: BrowserContext,
  ): Promise<SignInResult> {
    let opened: Awaited<ReturnType<AuthorizeService['openFactorStage']>>;
    try {
      if (!this.passkeys) throw errors.invalidRequest('passkeys are not available on this server');
      opened = await this.openFactorStage(form.pending, browser, 'second-factor');
    } catch (error) {
      return { outcome: pageError(error), started: null };
    }
    const { pending, client, tenant, user } = opened;
    const again = async (message: string, retryAfterSeconds?: number): Promise<SignInResult> => {
      const screen = signInScreen({ client, tenant, request: pending.request, pending: this.seal(pending, browser.binding) });
      return {
        outcome: {
          kind: 'second-factor',
          screen,
          failed: true,
          retryAfterSeconds,
          message,
          ...(await this.passkeyFactorOffer(user, browser.binding)),
        },
        started: null,
      };
    };
    let started: StartedSession | null = null;
    try {
      if (!form.response) return await again('Using a passkey needs JavaScript and a browser that supports passkeys.');
      try {
        await this.passkeys.authenticate('second-factor', tenant, form, browser, user);
      } catch (error) {
        if (isDomainError(error) && error.code === 'too_many_requests')
          return await again('Too many failed attempts.', error.retryAfterSeconds ?? 60);
        if (isDomainError(error) && error.code === 'access_denied') return await again(error.description);
        throw error;
      }
      const signedIn = await this.signInProven(pending, tenant, user, browser, PASSWORD_AND_PASSKEY);
      if ('refused' in signedIn) return { outcome: signedIn.refused, started: null };
      started = signedIn.started;
      return { outcome: await this.proceed(client, pending.request, started.session, browser.binding, true), started };
    } catch (error) {
      return { outcome: await this.failureRedirect(client, pending.request, error), started };
    }
  }

  /** The passkey ceremony the sign-in form offers (a discoverable credential; nothing read from the database). */
  private passkeyOffer(binding: string | undefined): { passkey?: PasskeyCeremony<object> } {
    return this.passkeys?.available && binding ? { passkey: this.passkeys.signInOptions({ binding }) } : {};
  }

  /** The passkey ceremony the second-factor form offers, when the user has a passkey. */
  private async passkeyFactorOffer(user: User, binding: string | undefined): Promise<{ passkey?: PasskeyCeremony<object> }> {
    if (!this.passkeys?.available || !binding) return {};
    const ceremony = await this.passkeys.authenticationOptions('second-factor', { binding }, user);
    return (ceremony.options.allowCredentials ?? []).length > 0 ? { passkey: ceremony } : {};
  }

  /**
   * RFC 9126 §6 `require_pushed_authorization_requests`, set on the client or on its tenant, or
   * required by the client's security profile (FAPI2). The tenant's setting binds the clients
   * registered in it, not the ones the server makes itself (account page, console), whose pages
   * send plain authorization requests; a tenant's profile exempts them alike (security-profile.ts).
   */
  private async mustPush(client: Client, required: ProfileRequirements): Promise<boolean> {
    if (client.requirePushedAuthorizationRequests || required.pushedAuthorizationRequests) return true;
    return !isServerMadeClientId(client.clientId) && (await this.tenantOf(client)).requirePushedAuthorizationRequests;
  }

  /** OIDC Core §3.1.2.1: `prompt=login`, or `max_age` elapsed since the last active sign-in. */
  private mustReauthenticate(request: AuthorizationRequest, session: BrowserSession): boolean {
    if (request.prompt.includes('login')) return true;
    if (request.maxAge === null) return false;
    return Math.floor((this.deps.clock.now().getTime() - session.authTime.getTime()) / 1000) > request.maxAge;
  }

  private async issue(client: Client, request: AuthorizationRequest, session: BrowserSession): Promise<AuthorizeOutcome> {
    const issuer = await this.issuerOf(client);
    // The session now signed into this client (recorded with the code, one write): ending the session revokes the code's family and tells the client.
    const code = await issueAuthorizationCode(this.deps, request, session, client);
    return authorizationResponse(request, successParams(request, code, issuer));
  }

  /** RFC 9207 `iss` of the authorization response: the issuer of the client's tenant, which issues its tokens (issuing-tenant.ts). */
  private async issuerOf(client: Client): Promise<string> {
    return tenantIssuer(this.deps.issuer, (await this.tenantOf(client)).path);
  }

  private seal(pending: PendingAuthorization, binding: string | undefined): string {
    if (!binding) throw new Error('a browser binding is required to show a form');
    return this.sealer.seal(pending, binding);
  }

  /** The client as it is now: known, enabled and, when given, still registering `redirectUri`. */
  private async trustedClient(clientId: string, redirectUri?: string): Promise<Client> {
    const client = await this.clients.findByClientId(clientId);
    if (!client || !client.enabled) throw untrustedLink('unknown or disabled client');
    // A server-made id (account.*, console, console.*) outside the tenant the server makes it in was squatted: never used.
    if (isServerMadeClientId(client.clientId) && !serverMadeClientInPlace(client, (await this.tenantOf(client)).path)) {
      throw untrustedLink('unknown or disabled client');
    }
    if (redirectUri !== undefined && !redirectUriMatches(client.redirectUris, redirectUri))
      throw untrustedLink('redirect_uri is no longer registered for this client');
    return client;
  }

  private async tenantOf(client: Client): Promise<Tenant> {
    const tenant = await this.tenants.findById(client.tenantId);
    if (!tenant) throw new DomainError('invalid_client', 'unknown or disabled client');
    return tenant;
  }
}
