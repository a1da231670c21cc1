/** What the relying-party side needs of a provider to talk to it (the secret unsealed, only in memory). */
export interface UpstreamClient {
  /** Cache key: changes whenever the provider does. */
  readonly key: string;
  readonly kind: 'OIDC' | 'OAUTH2';
  readonly issuer: string;
  readonly authorizationEndpoint: string | null;
  readonly tokenEndpoint: string | null;
  readonly userinfoEndpoint: string | null;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly scopes: readonly string[];
  readonly redirectUri: string;
}

/** The one-time values of one upstream sign-in, kept sealed in `state` until the callback. */
export interface UpstreamChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** Who the upstream says signed in: `iss` and `sub` (the link), and its claims (ID token, then userinfo). */
export interface UpstreamIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly claims: Readonly<Record<string, unknown>>;
  /** OIDC: the ID token as received (the `id_token_hint` of a later upstream logout). */
  readonly idToken?: string;
}

/** A logout token whose signature one of the upstream's keys verified: its header and claims, not yet checked. */
export interface SignedByUpstream {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** The parameters of an upstream RP-initiated logout (OIDC RP-Initiated Logout 1.0 §2). */
export interface UpstreamEndSession {
  readonly idTokenHint: string | null;
  readonly postLogoutRedirectUri: string;
  readonly state: string;
}

/**
 * The relying-party side of federation (implemented with openid-client in
 * src/edge/openid-client-upstream.ts, every request under the outbound policy). Failures reject
 * with an {@link UpstreamFailure}: `unavailable` for an upstream down, slow or answering junk,
 * `refused` for an answer that fails a check (state, ID token iss/aud/nonce/signature/expiry, an
 * error from the upstream).
 */
export interface UpstreamRelyingParty {
  /** The URL to send the browser to (PKCE S256, state, nonce for OIDC). */
  authorizationUrl(client: UpstreamClient, checks: UpstreamChecks): Promise<string>;
  /** Redeems the code of the callback `callbackUrl` and validates what comes back. */
  redeem(client: UpstreamClient, callbackUrl: string, checks: UpstreamChecks): Promise<UpstreamIdentity>;
  /**
   * Verifies the signature of a JWT (a back-channel logout token) with the OIDC upstream's keys
   * (its discovered `jwks_uri`, cached; asymmetric algorithms only, never `none`). The claims are
   * the caller's to check. `refused` for a bad signature or a malformed token.
   */
  verifySignature(client: UpstreamClient, jwt: string): Promise<SignedByUpstream>;
  /** The upstream's end-session URL with these parameters; null when its discovery names no `end_session_endpoint`. */
  endSessionUrl(client: UpstreamClient, parameters: UpstreamEndSession): Promise<string | null>;
}

export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure';
  constructor(
    readonly kind: 'unavailable' | 'refused',
    message: string,
  ) {
    super(message);
  }
}
