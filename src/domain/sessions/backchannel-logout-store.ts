import type { EndedSession } from './session-ended';

/** PENDING until the client answers 200/204, FAILED once given up (a day of retries, or the client lost its URI). */
export type BackchannelLogoutStatus = 'pending' | 'delivered' | 'failed';

/** One logout token owed to one client for one ended session (a row of the outbox). */
export interface BackchannelLogoutDelivery {
  readonly id: string;
  /** The tenant of the client (whose admins see the delivery). */
  readonly tenantId: string;
  /** The client's domain id (`Client.id`). */
  readonly clientRef: string;
  /** The OAuth `client_id` (the token's `aud`). */
  readonly clientId: string;
  readonly userId: string;
  readonly sid: string;
  readonly status: BackchannelLogoutStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

/** A claimed delivery with what the attempt needs from its client, read at claim time. */
export interface ClaimedBackchannelLogout extends BackchannelLogoutDelivery {
  /** The client's back-channel logout URI now; null when it was removed since. */
  readonly uri: string | null;
}

/** What the outbox lists: one tenant's deliveries, or one client's. */
export type BackchannelLogoutListing = { readonly tenantId: string } | { readonly clientRef: string };

/** The back-channel logout outbox (implemented in src/data/backchannel-logout.repository.ts). */
export interface BackchannelLogoutStore {
  /**
   * Writes one pending delivery, due at `at`, per ended session and client of it that has a
   * back-channel logout URI, in one statement (set-based); answers how many were written.
   */
  enqueue(ended: readonly EndedSession[], at: Date): Promise<number>;
  /**
   * Claims up to `limit` pending deliveries due at `now` that no other process holds (skip locked):
   * each is counted as an attempt and held until `leaseUntil` (due again then, if its process died).
   */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedBackchannelLogout[]>;
  markDelivered(ids: readonly string[], at: Date): Promise<void>;
  /** Records a failed attempt: due again at `retryAt`, or FAILED when it is null. */
  markUndelivered(id: string, error: string, retryAt: Date | null): Promise<void>;
  /** When the next pending delivery is due; null when none is pending. */
  nextDue(): Promise<Date | null>;
  /** Deliveries with one of `statuses`, newest first. */
  list(of: BackchannelLogoutListing, statuses: readonly BackchannelLogoutStatus[], limit: number): Promise<BackchannelLogoutDelivery[]>;
}
