import type { AuditLog } from '../audit/audit-log';
import type { Clock } from '../clock';
import { sha256 } from '../crypto/random';
import type { ServerSecret } from '../crypto/server-secret';
import type { DomainLogger } from '../deps';
import { DomainError } from '../errors';
import type { RequestScope } from '../request-scope';
import type { ReplayGuard } from '../replay/replay-guard';
import type { BrowserSession } from '../sessions/browser-session';
import type { BrowserSessionService } from '../sessions/browser-session.service';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { IdentityProvider, UpstreamSessionMatch } from './identity-provider';
import type { IdentityProviderStore } from './identity-provider-store';
import type { IdentityProviderService } from './identity-provider.service';
import { UpstreamFailure, type UpstreamRelyingParty } from './upstream-relying-party';

/** OIDC Back-Channel Logout 1.0 §2.4: the event a logout token carries. */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A logout token issued longer ago than this is refused (§2.6 "recent"); its `jti` is remembered as long. */
const LOGOUT_TOKEN_MAX_AGE_SECONDS = 600;
/** Clock skew allowed for `iat` in the future and `exp` in the past. */
const SKEW_SECONDS = 60;
/** How long the browser may stay at the upstream's logout before `/logged-out` no longer continues to the application. */
const LOGOUT_STATE_LIFETIME_SECONDS = 1800;
const STATE_TYPE = 'idp.upstream-logout.v1';

interface LogoutState {
  typ: typeof STATE_TYPE;
  /** The provider the browser was sent to. */
  p: string;
  /** Where the browser goes afterwards: the RP's validated post-logout redirect URI with its state; null: the "signed out" page. */
  to: string | null;
  exp: number;
}

/** §2.8: a logout token refused, answered 400 `invalid_request`; `reason` is kept for the audit trail. */
const invalid = (reason: string): DomainError =>
  new DomainError('invalid_request', `logout_token is not valid: ${reason}`, { detail: reason, field: 'logout_token' });

/**
 * Logout with upstream identity providers (issue 23), the relying-party side:
 * - {@link backchannelLogout}: OIDC Back-Channel Logout 1.0 §2.5–2.8 at
 *   `{I}/federation/{alias}/backchannel-logout`. The logout token must be signed by the upstream's
 *   keys (asymmetric, never `none`), from its issuer, for our client, recent, single use (`jti`),
 *   with the back-channel logout event, a `sid` or `sub`, and no `nonce`. It ends the local sessions
 *   that came from that upstream session (`sid`), or every session of the user linked to that
 *   `sub` that came through the provider, through {@link BrowserSessionService} so that what they
 *   issued is revoked and our own relying parties get their back-channel logout tokens in turn.
 * - {@link endSessionRedirect} / {@link loggedOut}: when a session that came from an OIDC provider
 *   with an `end_session_endpoint` (and `upstreamLogout` on) ends by RP-initiated logout, the browser
 *   goes on to the upstream's logout with the upstream ID token as `id_token_hint`, and back to
 *   `{I}/federation/{alias}/logged-out` with a sealed `state` naming where it continues: the RP's
 *   post-logout redirect URI already validated by RpInitiatedLogout, or the "signed out" page.
 *   Only values this server sealed are followed, so the page is never an open redirect.
 */
export class UpstreamLogoutService {
  constructor(
    private readonly providers: IdentityProviderService,
    private readonly store: IdentityProviderStore,
    private readonly relyingParty: UpstreamRelyingParty,
    private readonly tenants: TenantService,
    private readonly sessions: BrowserSessionService,
    private readonly replays: ReplayGuard,
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
    private readonly audit: AuditLog,
  ) {}

  /**
   * A back-channel logout from the provider `alias` of `tenant`; how many local sessions it ended.
   * Throws `invalid_request` for any token that fails a check (nothing ended), `temporarily_unavailable`
   * when the upstream's keys cannot be fetched.
   */
  async backchannelLogout(
    tenant: Tenant,
    alias: string,
    logoutToken: string | undefined,
    scope?: Pick<RequestScope, 'clientIp' | 'requestId'>,
  ): Promise<number> {
    const provider = /^[a-z0-9-]{1,64}$/.test(alias) ? await this.store.findByAlias(tenant.id, alias) : null;
    try {
      if (!provider || provider.kind !== 'OIDC') throw invalid('no OpenID Connect provider by this name');
      if (!logoutToken || logoutToken.length > 16_384) throw invalid('logout_token is missing');
      const claims = await this.verified(tenant, provider, logoutToken);
      const match: UpstreamSessionMatch | null =
        typeof claims.sid === 'string'
          ? { upstreamSid: claims.sid, ...(typeof claims.sub === 'string' ? { upstreamSub: claims.sub } : {}) }
          : await this.userMatch(provider, claims.sub as string);
      const sids = match ? await this.store.upstreamSessions(provider.id, match, this.clock.now()) : [];
      const ended = await this.sessions.endBySids(sids);
      this.record(tenant, provider, 'success', { reason: 'back-channel logout', sessions: String(ended) }, scope);
      return ended;
    } catch (error) {
      const reason = error instanceof DomainError ? (error.detail ?? error.description) : 'unexpected failure';
      this.record(
        tenant,
        provider,
        'failure',
        { reason: `back-channel logout: ${reason}`.slice(0, 300), alias: alias.slice(0, 64) },
        scope,
      );
      throw error;
    }
  }

  /** The logout token's claims once every check of §2.6 passed. */
  private async verified(tenant: Tenant, provider: IdentityProvider, token: string): Promise<Record<string, unknown>> {
    let header: Readonly<Record<string, unknown>>;
    let claims: Readonly<Record<string, unknown>>;
    try {
      ({ header, claims } = await this.relyingParty.verifySignature(this.providers.upstreamClient(provider, tenant.path), token));
    } catch (error) {
      if (!(error instanceof UpstreamFailure)) {
        this.log.error({ err: error }, 'federation: verifying a logout token failed');
        throw invalid('unexpected failure');
      }
      if (error.kind === 'unavailable')
        throw new DomainError('temporarily_unavailable', 'the identity provider’s keys cannot be fetched right now', {
          detail: error.message,
        });
      throw invalid(error.message);
    }
    if (header.typ !== undefined && header.typ !== 'JWT' && header.typ !== 'logout+jwt') throw invalid('typ is not logout+jwt');
    if (claims.iss !== provider.issuer) throw invalid('iss is not the provider’s issuer');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(provider.clientId)) throw invalid('aud does not name this client');
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) throw invalid('iat is missing');
    if (claims.iat > now + SKEW_SECONDS) throw invalid('iat is in the future');
    if (claims.iat < now - LOGOUT_TOKEN_MAX_AGE_SECONDS) throw invalid('iat is too old');
    if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp < now - SKEW_SECONDS)) throw invalid('expired');
    const events = claims.events;
    const event =
      events && typeof events === 'object' && !Array.isArray(events)
        ? (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT]
        : undefined;
    if (!event || typeof event !== 'object' || Array.isArray(event)) throw invalid('events has no back-channel logout event');
    const sid = typeof claims.sid === 'string' && claims.sid !== '' ? claims.sid : undefined;
    const sub = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
    if (claims.sid !== undefined && sid === undefined) throw invalid('sid is not a string');
    if (claims.sub !== undefined && sub === undefined) throw invalid('sub is not a string');
    if (!sid && !sub) throw invalid('neither sid nor sub');
    if (claims.nonce !== undefined) throw invalid('nonce is present');
    if (typeof claims.jti !== 'string' || claims.jti === '' || claims.jti.length > 256) throw invalid('jti is missing');
    const remember = new Date((claims.iat + LOGOUT_TOKEN_MAX_AGE_SECONDS + SKEW_SECONDS) * 1000);
    if (!(await this.replays.claimOnce('upstream_logout_token', provider.id, sha256(claims.jti), remember))) throw invalid('jti replayed');
    return { ...claims };
  }

  /** Only `sub`: the sessions of the local user linked to (iss, sub) that came through this provider; null when no one is linked. */
  private async userMatch(provider: IdentityProvider, sub: string): Promise<UpstreamSessionMatch | null> {
    const linked = await this.store.findIdentity(provider.id, provider.issuer, sub);
    return linked ? { userId: linked.userId } : null;
  }

  /**
   * Called as `session` is about to end by RP-initiated logout: the upstream end-session URL to send
   * the browser to after the local logout, when the session came from an OIDC provider that has
   * `upstreamLogout` on and an `end_session_endpoint`; null otherwise, or when the upstream cannot be
   * reached (the local logout goes on regardless). `continueTo` is where the browser goes after the
   * upstream (a validated post-logout redirect URI with its state), or null for the "signed out" page.
   */
  async endSessionRedirect(session: Pick<BrowserSession, 'sid'>, continueTo: string | null): Promise<string | null> {
    const upstream = await this.store.findSessionUpstream(session.sid);
    if (!upstream) return null;
    const provider = await this.providers.findById(upstream.providerId);
    if (!provider || !provider.enabled || !provider.upstreamLogout || provider.kind !== 'OIDC') return null;
    const tenant = await this.tenants.findById(provider.tenantId);
    if (!tenant) return null;
    const state: LogoutState = {
      typ: STATE_TYPE,
      p: provider.id,
      to: continueTo,
      exp: this.clock.now().getTime() + LOGOUT_STATE_LIFETIME_SECONDS * 1000,
    };
    try {
      return await this.relyingParty.endSessionUrl(this.providers.upstreamClient(provider, tenant.path), {
        idTokenHint: upstream.idTokenSealed ? this.secret.decrypt(upstream.idTokenSealed, 'upstream-id-token') : null,
        postLogoutRedirectUri: this.providers.postLogoutRedirectUri(provider, tenant.path),
        state: this.secret.encrypt(JSON.stringify(state), 'upstream-logout-state'),
      });
    } catch (error) {
      this.log.warn(
        { err: error, provider: provider.alias },
        'federation: the upstream logout URL could not be built; signing out locally only',
      );
      return null;
    }
  }

  /**
   * `{I}/federation/{alias}/logged-out`: where the browser continues after the upstream's logout:
   * the sealed `state`'s target when this server sealed it for this provider and it has not expired;
   * null (the "signed out" page) for anything else.
   */
  async loggedOut(tenant: Tenant, alias: string, state: string | undefined): Promise<string | null> {
    if (!state || state.length > 8_192) return null;
    let opened: LogoutState;
    try {
      opened = JSON.parse(this.secret.decrypt(state, 'upstream-logout-state')) as LogoutState;
    } catch {
      return null;
    }
    if (opened.typ !== STATE_TYPE || typeof opened.exp !== 'number' || opened.exp <= this.clock.now().getTime()) return null;
    const provider = /^[a-z0-9-]{1,64}$/.test(alias) ? await this.store.findByAlias(tenant.id, alias) : null;
    if (!provider || provider.id !== opened.p) return null;
    return typeof opened.to === 'string' ? opened.to : null;
  }

  private record(
    tenant: Tenant,
    provider: IdentityProvider | null,
    outcome: 'success' | 'failure',
    detail: Record<string, string>,
    scope: Pick<RequestScope, 'clientIp' | 'requestId'> | undefined,
  ): void {
    this.audit.record({
      action: 'upstreamLogout',
      outcome,
      tenantPath: tenant.path,
      actorKind: 'anonymous',
      actorId: null,
      targetKind: 'identityProvider',
      targetId: provider?.id ?? null,
      clientIp: scope?.clientIp ?? null,
      requestId: scope?.requestId ?? null,
      detail: { ...detail, ...(provider ? { provider: provider.alias } : {}) },
    });
  }
}
