import type { ReplayStore } from '../domain/replay/replay-store';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';

const CLAIM_SQL = `insert into used_identifiers (key, expires_at) values ($1, $2)
  on conflict (key) do update set expires_at = excluded.expires_at where used_identifiers.expires_at <= now()
  returning 1 as claimed`;
/** The token path's one write per client assertion or DPoP proof: a named prepared statement, no ORM query building. */
const CLAIM = preparedStatement('replay_claim', CLAIM_SQL);
/** The claims of one event-loop turn in one statement: each row is still its own insert-or-take-over, the keys it claimed come back. */
const CLAIM_MANY = preparedStatement(
  'replay_claim_many',
  `insert into used_identifiers (key, expires_at)
   select key, expires_at from unnest($1::text[], $2::timestamptz[]) as claim(key, expires_at)
   on conflict (key) do update set expires_at = excluded.expires_at where used_identifiers.expires_at <= now()
   returning key`,
);
/** The most claims one statement carries; a busier turn sends several. */
const MAX_BATCH = 256;

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
 * Outside a transaction (the token path) claims are prepared statements on the hot-path pool,
 * and the claims made during one event-loop turn go together (flushed at `setImmediate`,
 * after the turn's I/O callbacks): under load one round trip, one statement and one commit
 * serve many requests, alone a claim waits for nothing but the end of its turn. Every row is
 * still decided by the primary key on its own (insert, or take over an expired row), so a
 * key is claimed once across processes exactly as with one statement per claim. A batch's
 * keys are sorted, so two processes' batches lock shared keys in the same order and cannot
 * deadlock; a key twice in one batch is claimed by its first request only.
 * Inside a transaction the insert joins it through the ORM's connection.
 */
export class ReplayRepository implements ReplayStore {
  private queue: PendingClaim[] = [];

  constructor(private readonly db: Database) {}

  claim(key: string, expiresAt: Date): Promise<boolean> {
    if (this.db.active()) return this.claimInTransaction(key, expiresAt);
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ key, expiresAt, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private async claimInTransaction(key: string, expiresAt: Date): Promise<boolean> {
    const rows = await this.db.execute<{ claimed: number }[]>(CLAIM_SQL.replace('$1', '?').replace('$2', '?'), [key, expiresAt], 'all');
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

  private async send(batch: PendingClaim[]): Promise<void> {
    try {
      if (batch.length === 1) {
        const [only] = batch as [PendingClaim];
        only.resolve((await this.db.sql.rows(CLAIM, [only.key, only.expiresAt])).length === 1);
        return;
      }
      const rows = await this.db.sql.rows<{ key: string }>(CLAIM_MANY, [batch.map((claim) => claim.key), batch.map((claim) => claim.expiresAt)]);
      const claimed = new Set(rows.map((row) => row.key));
      for (const claim of batch) claim.resolve(claimed.has(claim.key));
    } catch (error) {
      for (const claim of batch) claim.reject(error);
    }
  }
}
