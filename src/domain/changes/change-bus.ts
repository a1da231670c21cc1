/**
 * Which cache a change concerns; `key` names the entry (a tenant id, a client_id, a tenant id for keys and APIs; for roles `*`
 * (every role cache) or `user:<id>` / `client:<uuid>` (one subject's assignments); for
 * `throttle`, a failure hint of the brute-force guard: `<window end ms> <may be locked until ms, or 0> <bucket>`).
 */
type ChangeTopic = 'tenant' | 'client' | 'signing_key' | 'throttle' | 'revocation' | 'user' | 'api' | 'role';

/** What happened to the entry. Listeners drop it whatever the kind; the kind is for logs and later consumers. */
type ChangeKind = 'created' | 'updated' | 'deleted' | 'rotated' | 'revoked';

export interface ChangeEvent {
  topic: ChangeTopic;
  kind: ChangeKind;
  key: string;
}

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * `connected`: listening, every change since the last resync arrives.
 * `disconnected`: the listening connection is gone (reconnecting with backoff);
 * changes made elsewhere are missed. `resyncing`: listening again, caches are
 * being flushed. Caches trust themselves only while `connected`.
 */
export type ChangeBusState = 'connecting' | 'connected' | 'disconnected' | 'resyncing' | 'closed';

/**
 * Fan-out of change notifications to every server instance. Publishers also
 * see their own events, so a listener is the single place a cache is
 * invalidated. A notification missed while the bus was disconnected is made
 * good by a resync: every `onResync` listener flushes what it caches.
 */
export interface ChangeBus {
  readonly state: ChangeBusState;
  /** True only while `connected`: a cache fed by the bus may serve and store entries. */
  readonly live: boolean;
  /** Applies a committed change locally and notifies the other processes; never rejects (a lost notification is logged). */
  publish(event: ChangeEvent): Promise<void>;
  /**
   * Delivers a change that another process committed but whose notification
   * this process may have missed (read from the revocation change log) to
   * this process's listeners only; notifies nobody.
   */
  replay(event: ChangeEvent): void;
  subscribe(listener: ChangeListener): void;
  /** Called once the bus listens again after a gap (and on first connect): flush everything the bus feeds. */
  onResync(listener: () => void): void;
  close(): Promise<void>;
}
