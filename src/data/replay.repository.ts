import type { ReplayStore } from '../domain/replay/replay-store';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';

/**
 * `set_config(…, true)` is local to the statement's own transaction, which is read when it
 * commits (PostgreSQL: "the behavior for any one transaction is determined by the setting in
 * effect when it commits"): these commits do not wait for the WAL flush, without a round trip
 * of their own, and nothing outlives the statement on the connection (any pooler is fine).
 */
const ASYNC_COMMIT = `(select set_config('synchronous_commit', 'off', true)) as async_commit`;
const TAKE_OVER_EXPIRED = `on conflict (key) do update set expires_at = excluded.expires_at where used_identifiers.expires_at <= now()`;

/** Inside a transaction (durable like the rest of it), through the ORM's connection. */
const CLAIM_SQL = `insert into used_identifiers (key, expires_at) values (?, ?) ${TAKE_OVER_EXPIRED} returning 1 as claimed`;
/** One claim: a named prepared statement, no ORM query building. */
export const CLAIM = preparedStatement(
  'replay_claim',
  `insert into used_identifiers (key, expires_at) select $1::text, $2::timestamptz from ${ASYNC_COMMIT}
   ${TAKE_OVER_EXPIRED} returning 1 as claimed`,
);
/** The claims of one event-loop turn in one statement: each row is still its own insert-or-take-over, the keys it claimed come back. */
export const CLAIM_MANY = preparedStatement(
  'replay_claim_many',
  `insert into used_identifiers (key, expires_at)
   select claim.key, claim.expires_at from unnest($1::text[], $2::timestamptz[]) as claim(key, expires_at), ${ASYNC_COMMIT}
   ${TAKE_OVER_EXPIRED} returning key`,
);
/** The most claims one statement carries; a busier turn sends several. */
const MAX_BATCH = 256;
/** Statements in flight at once: claims made meanwhile wait and go in the next one. */
const MAX_IN_FLIGHT = 2;

interface PendingClaim {
  readonly key: string;
  readonly expiresAt: Date;
  readonly resolve: (first: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Single-use identifiers (`used_identifiers`): one row per claim. A row whose time has passed
 * is taken over by the next claim of its key; the janitor deletes the others.
 *
 * Outside a transaction (the token path) claims are prepared statements, batched: the claims
 * made during one event-loop turn go together (flushed at `setImmediate`, after the turn's I/O
 * callbacks), and while {@link MAX_IN_FLIGHT} statements are out, new claims wait for one of
 * them and go in the next. Under load one round trip, one statement and one commit serve many
 * requests; alone, a claim waits for nothing but the end of its turn. Every row is still
 * decided by the primary key on its own (insert, or take over an expired row), so a key is
 * claimed once across processes exactly as with one statement per claim. A batch's keys are
 * sorted, so batches of two processes lock shared keys in the same order and cannot deadlock;
 * a key twice in one batch is claimed by its first request only.
 *
 * Durability: outside a transaction these commits do not wait for the WAL flush
 * (`synchronous_commit` off for their own transaction only, see {@link ASYNC_COMMIT}), which on
 * a busy disk is most of a claim's latency. A database crash (not an application crash) may
 * lose the claims of its last ~0.6 s (3 × `wal_writer_delay`); an identifier among them could
 * be presented once more within what remains of its lifetime (assertions ≤ 5.5 min, DPoP
 * proofs ≤ 65 s), and not to a process that saw it, whose memory (ReplayGuard) still refuses
 * it. Rows are never half-applied. An unlogged table was weighed and refused: it loses every
 * claim on a crash and is empty on a promoted standby.
 * Inside a transaction the insert joins it through the ORM's connection (durable like the rest).
 */
export class ReplayRepository implements ReplayStore {
  private queue: PendingClaim[] = [];
  /** Statements sent and not answered yet; claims made meanwhile wait for one to come back. */
  private inFlight = 0;

  constructor(private readonly db: Database) {}

  claim(key: string, expiresAt: Date): Promise<boolean> {
    if (this.db.active()) return this.claimInTransaction(key, expiresAt);
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ key, expiresAt, resolve, reject });
      if (this.queue.length === 1 && this.inFlight < MAX_IN_FLIGHT) setImmediate(() => this.flush());
    });
  }

  private async claimInTransaction(key: string, expiresAt: Date): Promise<boolean> {
    const rows = await this.db.execute<{ claimed: number }[]>(CLAIM_SQL, [key, expiresAt], 'all');
    return rows.length === 1;
  }

  private flush(): void {
    const queued = this.queue;
    this.queue = [];
    queued.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // One request per distinct key goes to the database; a repeat of a key in the same turn is a replay.
    const distinct: PendingClaim[] = [];
    for (const claim of queued) {
      if (distinct.length > 0 && distinct[distinct.length - 1]!.key === claim.key) claim.resolve(false);
      else distinct.push(claim);
    }
    for (let start = 0; start < distinct.length; start += MAX_BATCH) void this.send(distinct.slice(start, start + MAX_BATCH));
  }

  private sent(): void {
    this.inFlight--;
    if (this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) this.flush();
  }

  private async send(batch: PendingClaim[]): Promise<void> {
    this.inFlight++;
    try {
      if (batch.length === 1) {
        const [only] = batch as [PendingClaim];
        only.resolve((await this.db.sql.rows(CLAIM, [only.key, only.expiresAt])).length === 1);
        return;
      }
      const rows = await this.db.sql.rows<{ key: string }>(CLAIM_MANY, [
        batch.map((claim) => claim.key),
        batch.map((claim) => claim.expiresAt),
      ]);
      const claimed = new Set(rows.map((row) => row.key));
      for (const claim of batch) claim.resolve(claimed.has(claim.key));
    } catch (error) {
      for (const claim of batch) claim.reject(error);
    } finally {
      this.sent();
    }
  }
}
