/**
 * The transaction port (in the style of fosite's `storage/transactional.go`):
 * store calls made while `work` runs, directly or through any service, share
 * one database transaction, committed when `work` resolves and rolled back
 * when it rejects. Implemented by the data layer's `Database`.
 *
 * Rules for `work`:
 * - keep it to store calls: whatever async work it starts (a cache load, a
 *   timer) runs in the transaction too;
 * - publish nothing to the change bus inside it: another process could read
 *   the event before the commit makes the change visible. Services need not
 *   care: the domain's bus ({@link afterCommit}, `transactionAwareBus`) holds
 *   what they publish inside `run` until the commit, and drops it on rollback;
 * - a `run` inside a `run` joins the outer transaction (no savepoint).
 */
export interface Transactions {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** True while the caller runs inside {@link run} (directly or in async work started there). */
  active(): boolean;
  /**
   * Inside {@link run}: keeps `action` until the outermost transaction has
   * committed, then runs it (in the order given, after `run`'s work, before
   * `run` resolves); on a rollback it is dropped. Returns true. Outside a
   * transaction it returns false and does nothing: the caller acts now.
   */
  afterCommit(action: () => Promise<void>): boolean;
}
