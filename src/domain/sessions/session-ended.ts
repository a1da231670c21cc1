/**
 * The contract between whatever ends browser sessions (sign-out, RP-initiated logout, an admin,
 * disabling a user, a password reset, SCIM deprovisioning) and whatever must learn of it
 * (back-channel logout). Every path that ends sessions reports them here, once, after the
 * sessions are ended.
 */

/** A browser session that has just ended, with the relying parties it signed into. */
export interface EndedSession {
  readonly tenantId: string;
  readonly userId: string;
  /** The session's public id: the `sid` claim of the tokens issued under it. */
  readonly sid: string;
  /** The clients (domain `Client.id`, not the OAuth `client_id`) that got tokens under the session. */
  readonly clientIds: readonly string[];
}

/** Learns of sessions that ended. Implementations must not throw for a relying party that is down. */
export interface SessionEndedSink {
  sessionsEnded(ended: readonly EndedSession[]): Promise<void>;
}

/** The sink used until something listens: ending a session tells no one. */
export const IGNORE_ENDED_SESSIONS: SessionEndedSink = { sessionsEnded: async () => undefined };
