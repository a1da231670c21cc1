import type { BrowserSession, SessionRecord } from './browser-session';

/** Which open sessions an end operation ends. */
export type SessionSelector =
  { readonly idHash: string } | { readonly sids: readonly string[] } | { readonly userId: string; readonly exceptSid?: string };

/** A session as one end operation ended it, with what it had issued. */
export interface EndedSessionRow {
  readonly record: SessionRecord;
  /** Domain `Client.id` of every client that got a code under the session. */
  readonly clientIds: readonly string[];
  /** The refresh families started from those codes that this operation revoked. */
  readonly revokedFamilyIds: readonly string[];
}

/** A client that signed in through a session, for lists. */
export interface SessionClient {
  readonly id: string;
  readonly clientId: string;
  readonly name: string;
}

/** An open session for lists, with its clients. */
export interface ListedSession {
  readonly record: SessionRecord;
  readonly clients: readonly SessionClient[];
}

/**
 * The storage browser sessions need (implemented in `src/data/browser-session.repository.ts`):
 * plain values in and out, each session by the SHA-256 of its cookie value or by its public `sid`.
 */
export interface BrowserSessionStore {
  /** Stores a freshly started session and returns it as stored. */
  insert(session: BrowserSession): Promise<BrowserSession>;
  /**
   * Re-authentication in an open session of the same user and tenant that still counts: the session
   * takes the fresh cookie hash, sign-in time, expiry and methods, and keeps its public `sid` and
   * clients. Null (nothing written) when there is no such session.
   */
  renew(previousIdHash: string, fresh: BrowserSession, now: Date): Promise<BrowserSession | null>;
  /** The session when it is not ended and not expired at `now`, with its user's state and cutoff (one round trip). */
  findOpen(idHash: string, now: Date): Promise<SessionRecord | null>;
  /** The same by public id. */
  findOpenBySid(sid: string, now: Date): Promise<SessionRecord | null>;
  /** The unended, unexpired sessions of a user, newest first, with their clients (one round trip). */
  listOpen(userId: string, now: Date): Promise<ListedSession[]>;
  /** Records a second factor proven within an open session (its methods and acr); false when it is not open. */
  raise(idHash: string, amr: readonly string[], acr: string, now: Date): Promise<boolean>;
  /**
   * In one statement: ends the unended, unexpired sessions `selector` names at `now`, revokes the
   * refresh families started from codes issued under them, and drops their unredeemed codes.
   * Returns the sessions as they were just before, with their clients and the families revoked.
   */
  end(selector: SessionSelector, now: Date): Promise<EndedSessionRow[]>;
}
