/** A signed-in browser, as the domain hands it out; the cookie value is never kept. */
export interface BrowserSession {
  readonly idHash: string;
  readonly tenantId: string;
  readonly userId: string;
  /** When the user last actively signed in (OIDC `auth_time`). */
  readonly authTime: Date;
  readonly expiresAt: Date;
}

/** A freshly started session with the secret the browser must hold. */
export interface StartedSession {
  readonly session: BrowserSession;
  /** The cookie value: 256 random bits, shown once, stored only as its SHA-256. */
  readonly token: string;
}

/** How long a browser stays signed in. */
export const SESSION_LIFETIME_SECONDS = 8 * 3600;
