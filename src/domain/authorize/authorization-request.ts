/** How the authorization response reaches the client: OAuth 2.0 Multiple Response Types §2.1 `query`, or Form Post Response Mode §2 `form_post`. */
export type ResponseMode = 'query' | 'form_post';

/** Query parameters of an authorization request as received (RFC 6749 §4.1.1); repeated ones arrive as arrays. */
export type RawAuthorizationParams = Readonly<Record<string, string | string[] | undefined>>;

/** OIDC Core §3.1.2.1 `prompt` values this server acts on. */
export type PromptValue = 'none' | 'login' | 'consent' | 'select_account';

/**
 * A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC
 * Core §3.1.2.1). Every field is safe to act on: the client is known and
 * enabled, `redirectUri` is registered for it, the scopes are allowed.
 */
export interface AuthorizationRequest {
  readonly clientId: string;
  /** Exactly as sent, or the client's only registered URI when none was sent (RFC 6749 §3.1.2.3). */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** RFC 8707 `resource` values (API identifiers), repeatable; the code's token request may narrow them. */
  readonly resources?: readonly string[];
  /** Returned verbatim; absent when the client sent none. */
  readonly state: string | null;
  readonly nonce: string | null;
  /** RFC 9449 §10 `dpop_jkt`: the code is bound to this DPoP key thumbprint; absent when not sent. */
  readonly dpopJkt?: string | null;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: 'S256' | null;
  readonly prompt: readonly PromptValue[];
  /** OIDC Core §3.1.2.1 `acr_values` as sent (space-separated); absent in requests sealed before they existed. */
  readonly acrValues?: readonly string[];
  /** Seconds since the last active sign-in that the client accepts; null when not limited. */
  readonly maxAge: number | null;
  /** Absent (requests sealed before response modes existed) means `query`. */
  readonly responseMode?: ResponseMode;
}

/** Where an authorization response may be sent once the redirect URI is trusted. */
export interface RedirectTarget {
  readonly redirectUri: string;
  readonly state: string | null;
  /** Absent means `query`. */
  readonly responseMode?: ResponseMode;
}
