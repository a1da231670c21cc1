import type { BrowserSession, SessionRecord } from './browser-session';

/**
 * The storage browser sessions need (implemented in `src/data/browser-session.repository.ts`):
 * plain values in and out, each session by the SHA-256 of its cookie value.
 */
export interface BrowserSessionStore {
  /** Stores a freshly started session and returns it as stored. */
  insert(session: BrowserSession): Promise<BrowserSession>;
  /** The session when it is not ended and not expired at `now`, with its user's state and cutoff (one round trip). */
  findOpen(idHash: string, now: Date): Promise<SessionRecord | null>;
  /** Records a second factor proven within an open session (its methods and acr); false when it is not open. */
  raise(idHash: string, amr: readonly string[], acr: string, now: Date): Promise<boolean>;
  /** Ends the session at `now`; an unknown or already ended session is left as it is. */
  end(idHash: string, now: Date): Promise<void>;
  /** Ends every unended, unexpired session of a user at `now`; returns them as they were just before. */
  endAllOf(userId: string, now: Date): Promise<SessionRecord[]>;
}
