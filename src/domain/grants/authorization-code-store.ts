/** An authorization code as stored (RFC 6749 §4.1.2): only its SHA-256, never its value. */
export interface AuthorizationCode {
  readonly codeHash: string;
  readonly tenantId: string;
  /** The OAuth client_id the code was issued to. */
  readonly clientId: string;
  readonly userId: string;
  /** The redirect URI as the authorization request gave it. */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** RFC 8707 resources of the authorization request; the code's token request may only narrow them. */
  readonly resources: readonly string[];
  /** PKCE (RFC 7636): the challenge and its method (only `S256`), or null. */
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: string | null;
  readonly nonce: string | null;
  /** RFC 9449 §10 `dpop_jkt`: the thumbprint of the key whose proof must come with the redemption; null when none. */
  readonly dpopJkt: string | null;
  readonly authTime: Date;
  /** RFC 8176 methods and the acr of the sign-in behind the code (the browser session's). */
  readonly amr: readonly string[];
  readonly acr: string | null;
  /** The browser session the code was issued under (its `sid`); null for codes from before. */
  readonly sessionSid: string | null;
  readonly expiresAt: Date;
  /** When the first redemption consumed it; null while unused. */
  readonly consumedAt: Date | null;
  /** What the first redemption issued, recorded before issuing it, so a replay can revoke it. */
  readonly familyId: string | null;
  readonly accessTokenJti: string | null;
}

export type NewAuthorizationCode = Omit<
  AuthorizationCode,
  'consumedAt' | 'familyId' | 'accessTokenJti' | 'resources' | 'dpopJkt' | 'amr' | 'acr' | 'sessionSid'
> & {
  readonly sessionSid?: string | null;
  readonly amr?: readonly string[];
  readonly acr?: string | null;
  readonly resources?: readonly string[];
  readonly dpopJkt?: string | null;
  /**
   * The client (domain `Client.id`) the session signed into with this code: recorded among the
   * session's clients (idempotent) in the same write, so ending the session tells that client.
   * Needs `sessionSid`; nothing is recorded without both.
   */
  readonly sessionClientId?: string | null;
};

/**
 * The storage authorization codes need (implemented in
 * `src/data/authorization-code.repository.ts`): plain values in and out.
 */
export interface AuthorizationCodeStore {
  insert(code: NewAuthorizationCode): Promise<void>;
  findByHash(codeHash: string): Promise<AuthorizationCode | null>;
  /**
   * Marks the code consumed at `consumedAt` with what its redemption issues,
   * only if nobody did; false (nothing written) when another redemption won.
   * Joins the caller's transaction inside `Transactions.run`.
   */
  consume(codeHash: string, consumedAt: Date, familyId: string, accessTokenJti: string): Promise<boolean>;
}
