import type { Clock } from '../clock';
import { PASSWORD_ONLY, type Authentication } from '../mfa/authentication-methods';
import { randomToken, sha256 } from '../crypto/random';
import { SESSION_LIFETIME_SECONDS, sessionCounts, type BrowserSession, type StartedSession } from './browser-session';
import type { BrowserSessionStore, EndedSessionRow, ListedSession, SessionSelector } from './browser-session-store';
import type { SessionEndedSink } from './session-ended';

/** What ending sessions needs besides the store: applying the families it revoked, and logging a sink failure. */
export interface SessionEndingPorts {
  /** RevocationService.familiesRevoked: the families are revoked in the database already. */
  readonly familiesRevoked: (familyIds: readonly string[]) => Promise<void>;
  readonly warn: (details: object, message: string) => void;
}

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
    private readonly ports: SessionEndingPorts,
    /** Told of every session that ends, once (back-channel logout plugs in here). */
    private readonly sink: SessionEndedSink,
  ) {}

  /**
   * A user has just proven their password (and, per `authentication`, a second factor) in a browser
   * holding `previousToken`. The browser always gets a fresh cookie value (no fixation). When the
   * previous session is an open one of the same user and tenant, it continues under the new cookie
   * (same public `sid` and clients, new `auth_time` and methods: re-authentication, `prompt=login`,
   * `max_age`, a step-up); any other previous session ends (and is reported) and a new one starts.
   */
  async signIn(
    previousToken: string | undefined,
    tenantId: string,
    userId: string,
    authentication: Authentication = PASSWORD_ONLY,
  ): Promise<StartedSession> {
    const token = randomToken(32);
    const now = this.clock.now();
    const fresh: BrowserSession = {
      idHash: sha256(token),
      sid: randomToken(16),
      tenantId,
      userId,
      authTime: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_SECONDS * 1000),
      amr: [...authentication.amr],
      acr: authentication.acr,
    };
    if (previousToken && TOKEN.test(previousToken)) {
      const renewed = await this.sessions.renew(sha256(previousToken), fresh, now);
      if (renewed) return { session: renewed, token };
      await this.end(previousToken);
    }
    return { session: await this.sessions.insert(fresh), token };
  }

  /** Starts a new session for a user who has just proven their password (and, per `authentication`, a second factor). */
  async start(tenantId: string, userId: string, authentication: Authentication = PASSWORD_ONLY): Promise<StartedSession> {
    return this.signIn(undefined, tenantId, userId, authentication);
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
  async endAllOf(userId: string, exceptSid?: string): Promise<number> {
    const ended = await this.endWhere({ userId, exceptSid });
    return ended.filter((row) => sessionCounts(row.record)).length;
  }

  /** Ends the session with this public id; false when it is unknown or no longer open. Trusted, as above. */
  async endBySid(sid: string): Promise<boolean> {
    return (await this.endBySids([sid])) > 0;
  }

  /** Ends the open sessions with these public ids, in one statement; how many it ended. Trusted, as above. */
  async endBySids(sids: readonly string[]): Promise<number> {
    return sids.length === 0 ? 0 : (await this.endWhere({ sids })).length;
  }

  /** The open session with this public id (counted or not, see {@link sessionCounts}); null when none. */
  async findBySid(sid: string): Promise<BrowserSession | null> {
    const record = await this.sessions.findOpenBySid(sid, this.clock.now());
    return record && sessionCounts(record) ? record.session : null;
  }

  /** A user's sessions that still count, newest first, with the clients each signed into. */
  async listOf(userId: string): Promise<ListedSession[]> {
    return (await this.sessions.listOpen(userId, this.clock.now())).filter((listed) => sessionCounts(listed.record));
  }

  /**
   * The one way sessions end. What a session issued, and so what ending it revokes: the refresh
   * families started from authorization codes issued under it (the codes' clients, each family with
   * every access token carrying its `sid`), and its codes not yet redeemed. Tokens of other grants
   * (password, device code, client credentials) were not issued under a browser session and stay.
   * The sink hears of the ended sessions once, without the caller waiting for it.
   */
  private async endWhere(selector: SessionSelector): Promise<EndedSessionRow[]> {
    const ended = await this.sessions.end(selector, this.clock.now());
    if (ended.length === 0) return ended;
    await this.ports.familiesRevoked(ended.flatMap((row) => row.revokedFamilyIds));
    const report = ended.map((row) => ({
      tenantId: row.record.session.tenantId,
      userId: row.record.session.userId,
      sid: row.record.session.sid,
      clientIds: row.clientIds,
    }));
    void this.sink.sessionsEnded(report).catch((error: unknown) => this.ports.warn({ err: error }, 'session-ended sink failed'));
    return ended;
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
    await this.endWhere({ idHash: sha256(token) });
  }
}
