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
 *   the event before the commit makes the change visible. Publish after `run`
 *   resolves, which is after the commit;
 * - a `run` inside a `run` joins the outer transaction (no savepoint).
 */
export interface Transactions {
  run<T>(work: () => Promise<T>): Promise<T>;
}
