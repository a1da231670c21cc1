/** A signed-in browser, as the domain hands it out; the cookie value is never kept. */
export interface BrowserSession {
  readonly idHash: string;
  /** The public id (random, never derived from the cookie): the `sid` of the ID tokens issued under the session. */
  readonly sid: string;
  readonly tenantId: string;
  readonly userId: string;
  /** When the user last actively signed in (OIDC `auth_time`). */
  readonly authTime: Date;
  readonly expiresAt: Date;
  /** RFC 8176 methods of that sign-in (`pwd`, or `pwd otp mfa` with a second factor). */
  readonly amr: readonly string[];
  /** The authentication context class reached (src/domain/mfa/authentication-methods.ts); null for sessions from before. */
  readonly acr: string | null;
}

/** A freshly started session with the secret the browser must hold. */
export interface StartedSession {
  readonly session: BrowserSession;
  /** The cookie value: 256 random bits, shown once, stored only as its SHA-256. */
  readonly token: string;
}

/** How long a browser stays signed in. */
export const SESSION_LIFETIME_SECONDS = 8 * 3600;

/** A stored, unended and unexpired session with what decides whether it still counts. */
export interface SessionRecord {
  readonly session: BrowserSession;
  /** Whether its user still exists in the session's tenant and is enabled. */
  readonly userActive: boolean;
  /** The user's revocation cutoff (`revokeUserTokens`, disabling) in epoch milliseconds, or null. */
  readonly userCutoffMs: number | null;
}

/**
 * The session rule: a session counts while its user is active and it began
 * (its `authTime`) after the user's latest revocation cutoff. A cutoff is
 * never lowered, so a session it killed stays dead, whatever happens later
 * (re-enabling the user included).
 */
export const sessionCounts = (record: SessionRecord): boolean =>
  record.userActive && (record.userCutoffMs === null || record.session.authTime.getTime() > record.userCutoffMs);
