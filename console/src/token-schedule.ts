/** When the console refreshes its access token: ahead of expiry, never in the past, never hammering. */

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number;
}

export interface TokenResponseBody {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
}

/** A token endpoint answer as the console keeps it; `now` in epoch ms. Keeps the old refresh token when none is returned. */
export function tokenSetFrom(body: TokenResponseBody, now: number, previousRefreshToken: string | null = null): TokenSet {
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300;
  return { accessToken: body.access_token, refreshToken: body.refresh_token ?? previousRefreshToken, expiresAt: now + expiresIn * 1000 };
}

/**
 * Milliseconds until the refresh should run: at 80% of the remaining lifetime,
 * but at least 60 s before expiry when the lifetime allows, and never under 1 s
 * (a token already expired is refreshed at once, after 1 s at most).
 */
export function refreshDelay(tokens: TokenSet, now: number): number {
  const remaining = tokens.expiresAt - now;
  if (remaining <= 0) return 0;
  const delay = Math.min(remaining * 0.8, remaining - 60_000);
  return Math.max(1_000, Math.floor(delay > 0 ? delay : remaining * 0.5));
}

/** Whether the access token should be refreshed before sending a request (expired or within 5 s of it). */
export const needsRefresh = (tokens: TokenSet, now: number): boolean => tokens.expiresAt - now <= 5_000;
