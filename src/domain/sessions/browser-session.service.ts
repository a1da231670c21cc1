import type { Clock } from '../clock';
import { PASSWORD_ONLY, type Authentication } from '../mfa/authentication-methods';
import { randomToken, sha256 } from '../crypto/random';
import { SESSION_LIFETIME_SECONDS, sessionCounts, type BrowserSession, type StartedSession } from './browser-session';
import type { BrowserSessionStore } from './browser-session-store';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Browser sessions of the hosted pages. The browser holds a 256-bit random
 * token; only its SHA-256 is stored, so a database read does not yield
 * usable cookies. A session lives {@link SESSION_LIFETIME_SECONDS} and ends
 * early on sign-out, when its user is disabled, deleted or gets a new
 * password, or when an admin ends the user's sessions; one that began before
 * the user's revocation cutoff (`revokeUserTokens`) no longer counts
 * ({@link sessionCounts}). Every check reads the database, so whatever one
 * process ended is ended on all of them.
 */
export class BrowserSessionService {
  constructor(
    private readonly sessions: BrowserSessionStore,
    private readonly clock: Clock,
  ) {}

  /** Starts a session for a user who has just proven their password (and, per `authentication`, a second factor). */
  async start(tenantId: string, userId: string, authentication: Authentication = PASSWORD_ONLY): Promise<StartedSession> {
    const token = randomToken(32);
    const now = this.clock.now();
    const session = await this.sessions.insert({
      idHash: sha256(token),
      tenantId,
      userId,
      authTime: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_SECONDS * 1000),
      amr: [...authentication.amr],
      acr: authentication.acr,
    });
    return { session, token };
  }

  /**
   * The live session for a cookie value: not ended, not expired, its user
   * still exists and is enabled, and it began after the user's revocation
   * cutoff. Null otherwise, including for junk.
   */
  async find(token: string | undefined): Promise<BrowserSession | null> {
    if (!token || !TOKEN.test(token)) return null;
    const record = await this.sessions.findOpen(sha256(token), this.clock.now());
    return record && sessionCounts(record) ? record.session : null;
  }

  /**
   * Signs a user out everywhere: ends every session of the user. Returns how
   * many of them still counted (were usable) until now. Trusted: callers
   * have authorised the action (UserService).
   */
  async endAllOf(userId: string): Promise<number> {
    const ended = await this.sessions.endAllOf(userId, this.clock.now());
    return ended.filter(sessionCounts).length;
  }

  /**
   * The user of this session has just proven a second factor inside it (confirming an enrolment on
   * the account page): the session records it, so it need not be asked again. `auth_time` stays.
   */
  async raise(token: string | undefined, authentication: Authentication): Promise<void> {
    if (!token || !TOKEN.test(token)) return;
    await this.sessions.raise(sha256(token), authentication.amr, authentication.acr, this.clock.now());
  }

  /** Ends the session a cookie value names; unknown or ended sessions are ignored. */
  async end(token: string | undefined): Promise<void> {
    if (!token || !TOKEN.test(token)) return;
    await this.sessions.end(sha256(token), this.clock.now());
  }
}
