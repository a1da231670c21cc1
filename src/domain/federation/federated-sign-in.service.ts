import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log';
import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';
import { DomainError, isDomainError } from '../errors';
import { isUniqueViolation } from '../db-errors';
import type { RequestScope } from '../request-scope';
import type { ReplayGuard } from '../replay/replay-guard';
import type { BrowserSessionService } from '../sessions/browser-session.service';
import type { StartedSession } from '../sessions/browser-session';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { Transactions } from '../transactions';
import type { User } from '../users/user';
import type { UserStore } from '../users/user-store';
import type { UserService } from '../users/user.service';
import type { DomainLogger } from '../deps';
import type { PendingLink } from './federation-link';
import { FEDERATION_LIFETIME_SECONDS, FederationStateSealer } from './federation-state';
import { federatedAuthentication, profileFromClaims } from './map-upstream-claims';
import type { IdentityProvider } from './identity-provider';
import type { IdentityProviderStore } from './identity-provider-store';
import type { IdentityProviderService } from './identity-provider.service';
import type { FederatedIdentityService } from './federated-identity.service';
import { UpstreamFailure, type UpstreamRelyingParty } from './upstream-relying-party';

/** A federated sign-in refused: what the page says, and the reason kept for the audit trail and logs. */
const refused = (description: string, reason: string): DomainError => new DomainError('access_denied', description, { detail: reason });

const START_AGAIN = 'Return to the application and start signing in again.';

/** The password hash of a user made just in time: not an argon2 string, so no password ever matches it. */
const NO_PASSWORD_HASH = '!federated';

/** Where the browser goes next after {@link FederatedSignInService.begin}. */
export interface FederationStart {
  /** The upstream's authorization URL. */
  readonly location: string;
  /** The sealed sign-in the transport sets as the federation cookie (HttpOnly) for the callback's path. */
  readonly binding: string;
  /** The path of the provider's callback (`{I}/federation/{alias}/callback`), the cookie's scope. */
  readonly callbackUrl: string;
}

/**
 * What a callback ends with, and where the browser goes next (same origin): `signed-in`, a fresh
 * session and the pending authorization request; `link`, the page where the user proves the
 * existing account the upstream profile collides with (`{resumeAction}/link`, the sealed link
 * request in the query); `linked`, the identity linked from the account page, back to it.
 */
export type FederationDone =
  | { readonly kind: 'signed-in'; readonly started: StartedSession; readonly location: string }
  | { readonly kind: 'link'; readonly location: string }
  | { readonly kind: 'linked'; readonly location: string };

/**
 * Sign-in through an upstream identity provider (issue 23): {@link begin} sends the browser to
 * the upstream with PKCE (S256), a nonce and a random `state`, single use, whose digest the sealed
 * sign-in (pending /authorize request, verifier, nonce) in the browser's federation cookie holds; {@link complete} checks all of it at the
 * callback, has the relying party redeem the code and validate the ID token (iss, aud, nonce,
 * signature, expiry; userinfo for OAuth 2.0 providers), then signs in the user linked to the
 * upstream `iss` + `sub`, or creates one just in time (never linked by email). Every failure is
 * an `access_denied` page, no session, nothing created, and a `federatedSignIn` audit event.
 */
export class FederatedSignInService {
  private readonly sealer: FederationStateSealer;

  constructor(
    private readonly providers: IdentityProviderService,
    private readonly store: IdentityProviderStore,
    private readonly relyingParty: UpstreamRelyingParty,
    private readonly tenants: TenantService,
    private readonly users: UserService,
    private readonly userStore: UserStore,
    private readonly sessions: BrowserSessionService,
    private readonly transactions: Transactions,
    private readonly replays: ReplayGuard,
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
    private readonly audit: AuditLog,
    private readonly links: FederatedIdentityService,
  ) {
    this.sealer = new FederationStateSealer(secret, clock);
  }

  /** The tenant's enabled providers (sign-in page buttons) and whether any email domain routes to one. */
  async options(tenant: Tenant): Promise<{ providers: { alias: string; name: string; origin: string }[]; homeRealm: boolean }> {
    const enabled = await this.providers.enabledOf(tenant);
    return {
      // The origin the sign-in form's redirect goes to (its CSP form-action): the authorization endpoint's, else the issuer's.
      providers: enabled.map((provider) => ({
        alias: provider.alias,
        name: provider.name,
        origin: new URL(provider.authorizationEndpoint ?? provider.issuer).origin,
      })),
      homeRealm: enabled.some((provider) => provider.emailDomains.length > 0),
    };
  }

  /**
   * Which provider a sign-in form goes to instead of the password check: the one whose button
   * was pressed, else the one the typed email's domain routes to when its domain is exclusive or
   * no password was typed. Null: check the password. A button naming no enabled provider is refused.
   */
  async route(tenant: Tenant, form: { username?: string; password?: string; provider?: string }): Promise<IdentityProvider | null> {
    if (form.provider !== undefined) {
      const chosen = await this.providers.enabledByAlias(tenant, form.provider);
      if (!chosen) throw refused('This sign-in option is not available. ' + START_AGAIN, 'unknown provider');
      return chosen;
    }
    const routed = await this.providers.routeEmail(tenant, form.username);
    if (!routed) return null;
    return routed.exclusive || !form.password ? routed : null;
  }

  /** Starts the upstream sign-in; `resume` is the pending request sealed for the `federated` stage. */
  async begin(
    tenant: Tenant,
    provider: IdentityProvider,
    resume: string,
    resumeAction: string,
    link?: { userId: string; sid: string },
  ): Promise<FederationStart> {
    const state = randomToken(32);
    const nonce = randomToken(32);
    const codeVerifier = randomToken(32);
    const binding = this.sealer.seal(
      { providerId: provider.id, tenantId: tenant.id, nonce, codeVerifier, resume, resumeAction, ...(link ? { link } : {}) },
      state,
    );
    const client = this.providers.upstreamClient(provider, tenant.path);
    try {
      const location = await this.relyingParty.authorizationUrl(client, { state, nonce, codeVerifier });
      return { location, binding, callbackUrl: client.redirectUri };
    } catch (error) {
      const reason = error instanceof UpstreamFailure ? error.message : 'unexpected failure';
      if (!(error instanceof UpstreamFailure)) this.log.error({ err: error }, 'federation: building the upstream request failed');
      this.record(tenant, provider, 'failure', { reason: `start: ${reason}` }, null);
      throw refused(`${provider.name} cannot be reached right now. Try again later, or sign in another way.`, reason);
    }
  }

  /**
   * "Link {provider}" on the account page: the upstream sign-in for the signed-in `user` (session
   * `sid`), whose callback links that identity to the user ({@link FederatedIdentityService.linkToUser})
   * and returns to `accountUrl`. A provider that is not enabled in the user's tenant, or already
   * linked to the user, is refused.
   */
  async beginLink(tenant: Tenant, user: User, sid: string, alias: string, accountUrl: string): Promise<FederationStart> {
    const provider = (await this.links.linkable(tenant, user)).find((candidate) => candidate.alias === alias);
    if (!provider) throw refused('This sign-in option is not available to link, or is linked already.', 'provider not linkable');
    return this.begin(tenant, provider, '', accountUrl, { userId: user.id, sid });
  }

  /**
   * The callback `{I}/federation/{alias}/callback` of the provider's tenant: `callbackUrl` is the
   * full URL as received, `binding` the federation cookie, `previousSession` the browser's session
   * cookie (continued when it is the same user's, else ended: {@link BrowserSessionService.signIn}).
   * Throws `access_denied` for any failure.
   */
  async complete(
    tenant: Tenant,
    alias: string,
    input: { callbackUrl: string; state?: string; binding?: string; previousSession?: string },
    scope?: Pick<RequestScope, 'clientIp' | 'requestId'>,
  ): Promise<FederationDone> {
    const opened = this.sealer.open(input.binding, input.state);
    if ('refused' in opened) {
      this.record(tenant, null, 'failure', { reason: opened.refused, alias: alias.slice(0, 64) }, scope);
      throw refused('This sign-in response was not expected by this browser, or came too late. ' + START_AGAIN, opened.refused);
    }
    const provider = await this.providers.findById(opened.providerId);
    if (!provider || !provider.enabled || provider.alias !== alias || provider.tenantId !== tenant.id || opened.tenantId !== tenant.id) {
      this.record(tenant, provider, 'failure', { reason: 'provider changed, disabled or mismatched' }, scope);
      throw refused('This sign-in option is no longer available. ' + START_AGAIN, 'provider unavailable');
    }
    const expires = new Date(this.clock.now().getTime() + FEDERATION_LIFETIME_SECONDS * 1000);
    if (!(await this.replays.claimOnce('federation_state', provider.id, sha256(input.state!), expires))) {
      this.record(tenant, provider, 'failure', { reason: 'state replayed' }, scope);
      throw refused('This sign-in response was already used. ' + START_AGAIN, 'state replayed');
    }
    try {
      const client = this.providers.upstreamClient(provider, tenant.path);
      let upstream;
      try {
        upstream = await this.relyingParty.redeem(client, input.callbackUrl, {
          state: input.state!,
          nonce: opened.nonce,
          codeVerifier: opened.codeVerifier,
        });
      } catch (error) {
        if (!(error instanceof UpstreamFailure)) {
          this.log.error({ err: error }, 'federation: redeeming the upstream code failed');
          throw refused(`Signing in with ${provider.name} failed. ` + START_AGAIN, 'unexpected failure');
        }
        throw error.kind === 'unavailable'
          ? refused(
              `${provider.name} did not answer properly. Try again later, or sign in another way.`,
              `upstream unavailable: ${error.message}`,
            )
          : refused(
              `${provider.name} sent a sign-in response that could not be verified. ` + START_AGAIN,
              `upstream response refused: ${error.message}`,
            );
      }
      if (opened.link) {
        // "Link {provider}" from the account page: only for the user and session that asked, still signed in here.
        const session = await this.sessions.find(input.previousSession);
        const user = session && session.sid === opened.link.sid ? await this.users.findById(session.userId) : null;
        if (!user || user.id !== opened.link.userId || user.tenantId !== tenant.id || !user.enabled) {
          throw refused('You are no longer signed in as the account that asked for this link. Nothing was changed.', 'link session gone');
        }
        await this.links.linkToUser(tenant, provider, upstream, user, scope);
        this.record(tenant, provider, 'success', { reason: 'linked from the account page' }, scope, user.id);
        return { kind: 'linked', location: opened.resumeAction };
      }
      const session = {
        providerId: provider.id,
        subject: upstream.subject,
        upstreamSid: typeof upstream.claims.sid === 'string' && upstream.claims.sid !== '' ? upstream.claims.sid : null,
        idToken: upstream.idToken ?? null,
      };
      const found = await this.userFor(tenant, provider, upstream);
      if ('candidate' in found) {
        // "First broker login": the profile collides with an existing account, which must prove itself before the link is made.
        const link = await this.links.offerLink(tenant, provider, { issuer: upstream.issuer, ...session }, found.candidate, opened.resume);
        this.record(tenant, provider, 'failure', { reason: 'collides with an existing user: link offered' }, scope);
        return { kind: 'link', location: `${opened.resumeAction}/link?${new URLSearchParams({ pending: opened.resume, link })}` };
      }
      const user = found;
      const started = await this.sessions.signIn(input.previousSession, tenant.id, user.id, federatedAuthentication(upstream.claims));
      await this.rememberUpstream(started.session.sid, session);
      this.record(tenant, provider, 'success', { reason: 'signed in' }, scope, user.id);
      return { kind: 'signed-in', started, location: `${opened.resumeAction}?${new URLSearchParams({ pending: opened.resume })}` };
    } catch (error) {
      const reason = isDomainError(error) ? (error.detail ?? error.description) : 'unexpected failure';
      this.record(tenant, provider, 'failure', { reason: reason.slice(0, 300) }, scope);
      throw error;
    }
  }

  /**
   * The local session `sessionSid` remembers the upstream sign-in it came from (provider, upstream
   * `sid` and `sub`, the ID token sealed): an upstream back-channel logout ends it, ending it logs
   * out upstream. Both ways a federated sign-in starts a session call it: {@link complete}, and the
   * link page's sign-in once the existing account proved itself (with the sealed {@link PendingLink}).
   */
  async rememberUpstream(
    sessionSid: string,
    signIn: Pick<PendingLink, 'providerId' | 'subject' | 'upstreamSid' | 'idToken'>,
  ): Promise<void> {
    await this.store.putSessionUpstream(sessionSid, {
      providerId: signIn.providerId,
      upstreamSid: signIn.upstreamSid,
      upstreamSub: signIn.subject,
      idTokenSealed: signIn.idToken ? this.secret.encrypt(signIn.idToken, 'upstream-id-token') : null,
    });
  }

  /**
   * The user linked to the upstream identity, or one created just in time with its link, in one
   * transaction; or, when the profile's email or username is an existing user's, that user as the
   * candidate the link page offers (never linked here: the account must prove itself first).
   */
  private async userFor(
    tenant: Tenant,
    provider: IdentityProvider,
    upstream: { issuer: string; subject: string; claims: Readonly<Record<string, unknown>> },
  ): Promise<User | { candidate: User }> {
    const linked = await this.store.findIdentity(provider.id, upstream.issuer, upstream.subject);
    if (linked) {
      const user = await this.users.findById(linked.userId);
      if (!user || !user.enabled || user.tenantId !== tenant.id) {
        throw refused('Your account here is disabled. Contact your administrator.', 'linked user disabled or gone');
      }
      await this.store.touchIdentity(linked.id, this.clock.now());
      return user;
    }
    if (!provider.jitProvisioning) {
      throw refused(
        `There is no account here for your ${provider.name} identity, and this organisation does not create accounts on first sign-in. Ask your administrator for access.`,
        'no linked user and just-in-time provisioning is off',
      );
    }
    const profile = profileFromClaims(provider, upstream);
    const collision = () =>
      refused(
        'An account with this username or email address already exists here. Sign in with that account first; ' +
          `accounts are never joined by email. Your administrator can link ${provider.name} to it.`,
        'username or email collides with an existing user',
      );
    const byEmail = profile.email ? await this.userStore.findForRecovery(tenant.id, profile.email, 2) : [];
    const byUsername = await this.users.findByUsernameTrusted(tenant.id, profile.username);
    // One existing account to prove: the one holding the email, else the username; two accounts sharing the email are not guessed between.
    const candidate = byEmail.length === 1 ? byEmail[0]! : byEmail.length === 0 ? byUsername : null;
    if (candidate) return { candidate };
    if (byEmail.length > 0 || byUsername) throw collision();
    try {
      return await this.transactions.run(async () => {
        const created = await this.users.insert(
          tenant.path,
          {
            username: profile.username,
            password: '',
            email: profile.email,
            firstname: profile.firstname,
            lastname: profile.lastname,
            phone: profile.phone,
          },
          {},
          NO_PASSWORD_HASH,
        );
        const user = profile.emailVerified
          ? ((await this.userStore.modify(created.id, async () => ({ emailVerified: true }))) ?? created)
          : created;
        await this.store.insertIdentity({
          id: randomUUID(),
          tenantId: tenant.id,
          userId: user.id,
          providerId: provider.id,
          issuer: upstream.issuer,
          subject: upstream.subject,
        });
        return user;
      });
    } catch (error) {
      if ((isDomainError(error) && error.code === 'conflict') || isUniqueViolation(error)) throw collision();
      if (isDomainError(error) && error.code === 'validation_failed') {
        throw refused(
          `${provider.name} sent a profile this server cannot accept (${error.description}).`,
          `profile refused: ${error.description}`,
        );
      }
      throw error;
    }
  }

  private record(
    tenant: Tenant,
    provider: IdentityProvider | null,
    outcome: 'success' | 'failure',
    detail: Record<string, string>,
    scope: Pick<RequestScope, 'clientIp' | 'requestId'> | null | undefined,
    userId?: string,
  ): void {
    this.audit.record({
      action: 'federatedSignIn',
      outcome,
      tenantPath: tenant.path,
      actorKind: userId ? 'user' : 'anonymous',
      actorId: userId ?? null,
      targetKind: 'identityProvider',
      targetId: provider?.id ?? null,
      clientIp: scope?.clientIp ?? null,
      requestId: scope?.requestId ?? null,
      detail: { ...detail, ...(provider ? { provider: provider.alias } : {}) },
    });
  }
}
