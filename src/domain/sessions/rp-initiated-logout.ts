import { compactVerify, decodeProtectedHeader } from 'jose';
import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { redirectUriMatches } from '../clients/validate-redirect-uri';
import { ensure, errors } from '../errors';
import type { TenantIssuers } from '../issuers/tenant-issuers';
import type { KeyService } from '../keys/key.service';
import type { TenantService } from '../tenants/tenant.service';
import type { BrowserSession } from './browser-session';

/** The parameters of OIDC RP-Initiated Logout 1.0 §2, as the request gave them (absent: undefined). */
export interface LogoutRequest {
  readonly idTokenHint?: string;
  readonly logoutHint?: string;
  readonly clientId?: string;
  readonly postLogoutRedirectUri?: string;
  readonly state?: string;
  readonly uiLocales?: string;
}

/** What the logout endpoint does with a request. */
export interface LogoutPlan {
  /**
   * The ID token hint names the user of the browser's current session (and, when the hint
   * carries one, its session): the RP's request is trusted to end it without asking.
   */
  readonly hintMatchesSession: boolean;
  /** Where the browser goes once signed out (a registered post-logout URI, `state` appended); null: the "signed out" page. */
  readonly redirectTo: string | null;
}

/**
 * OIDC RP-Initiated Logout 1.0 at an issuer's `end_session_endpoint`. An `id_token_hint` must be an
 * ID token of this issuer (signature by one of its tenant's keys, `iss` this issuer); an expired one
 * is still a hint (§2). `client_id` must be the hint's audience. A `post_logout_redirect_uri` is
 * used only when it is registered, exactly, for that client (which must belong to this issuer);
 * anything else is refused, so the endpoint is never an open redirect.
 */
export class RpInitiatedLogout {
  constructor(
    private readonly tenantIssuers: TenantIssuers,
    private readonly tenants: TenantService,
    private readonly clients: ClientService,
    private readonly keys: KeyService,
  ) {}

  async plan(issuer: string, request: LogoutRequest, session: BrowserSession | null): Promise<LogoutPlan> {
    const hint = request.idTokenHint ? await this.verifiedHint(issuer, request.idTokenHint) : null;
    const audiences = hint ? (Array.isArray(hint.aud) ? hint.aud : [hint.aud]).filter((aud) => typeof aud === 'string') : [];
    if (request.clientId !== undefined && hint) {
      ensure(audiences.includes(request.clientId), () =>
        errors.invalidRequest('client_id is not the audience of id_token_hint', 'client_id'),
      );
    }
    const clientId = request.clientId ?? (typeof hint?.azp === 'string' ? hint.azp : audiences[0]);
    let redirectTo: string | null = null;
    if (request.postLogoutRedirectUri !== undefined) {
      ensure(clientId, () =>
        errors.invalidRequest('post_logout_redirect_uri needs id_token_hint or client_id', 'post_logout_redirect_uri'),
      );
      const client = await this.clientOf(issuer, clientId);
      ensure(redirectUriMatches(client.postLogoutRedirectUris ?? [], request.postLogoutRedirectUri), () =>
        errors.invalidRequest('post_logout_redirect_uri is not registered for this client', 'post_logout_redirect_uri'),
      );
      redirectTo = withState(request.postLogoutRedirectUri, request.state);
    }
    const hintMatchesSession =
      hint !== null &&
      session !== null &&
      hint.sub === session.userId &&
      (typeof hint.sid !== 'string' || hint.sid === session.sid) &&
      (request.logoutHint === undefined || request.logoutHint === session.userId || request.logoutHint === session.sid);
    return { hintMatchesSession, redirectTo };
  }

  /** The hint's claims when this issuer signed it (expiry not checked: a hint may have expired); `invalid_request` otherwise. */
  private async verifiedHint(issuer: string, token: string): Promise<Record<string, unknown>> {
    const invalid = () => errors.invalidRequest('id_token_hint is not an ID token of this issuer', 'id_token_hint');
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalid();
    }
    const key = kid ? await this.keys.verificationKey(kid) : null;
    ensure(key, invalid);
    const tenant = await this.tenants.findById(key.tenantId);
    ensure(tenant && this.tenantIssuers.issuerOf(tenant.path) === issuer, invalid);
    let claims: Record<string, unknown>;
    try {
      const { payload, protectedHeader } = await compactVerify(token, key.publicKey, { algorithms: [key.algorithm] });
      ensure(protectedHeader.typ === undefined || protectedHeader.typ === 'JWT', invalid);
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'invalid_request') throw error;
      throw invalid();
    }
    ensure(claims && typeof claims === 'object' && claims.iss === issuer && typeof claims.sub === 'string', invalid);
    return claims;
  }

  /** The client, when it is enabled and this issuer is its issuer; `invalid_request` otherwise (an unknown client answers alike). */
  private async clientOf(issuer: string, clientId: string): Promise<Client> {
    const unknown = () => errors.invalidRequest('unknown client', 'client_id');
    const client = await this.clients.findByClientId(clientId);
    ensure(client && client.enabled, unknown);
    const tenant = await this.tenants.findById(client.tenantId);
    ensure(tenant && this.tenantIssuers.issuerOf(tenant.path) === issuer, unknown);
    return client;
  }
}

/** §3: `state` goes back to the RP as a query parameter of the post-logout redirect URI. */
function withState(uri: string, state: string | undefined): string {
  if (state === undefined) return uri;
  const url = new URL(uri);
  url.searchParams.append('state', state);
  return url.toString();
}
