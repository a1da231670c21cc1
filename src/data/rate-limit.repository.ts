import type { Database } from './database';

interface HitRow {
  admitted: boolean;
  oldest_expiry: Date | string | null;
}

/** The outcome of one attempt on a bucket: admitted, or the time the oldest live hit leaves the window. */
export interface HitOutcome {
  readonly admitted: boolean;
  readonly oldestExpiry: Date | null;
}

/**
 * The sliding-window log of the rate limiter (`rate_limit_hits`): one row per
 * admitted hit, counting until `expires_at`. A bucket's hits are serialised by
 * a transaction-scoped advisory lock, so concurrent requests cannot overshoot
 * the limit; rows past expiry are deleted as the bucket is used.
 */
export class RateLimitRepository {
  constructor(private readonly db: Database) {}

  /** Records a hit on `bucket` expiring at `expiresAt` unless `limit` hits are live at `now`. */
  async hit(bucket: string, now: Date, expiresAt: Date, limit: number): Promise<HitOutcome> {
    const row = await this.db.em().transactional(async (em) => {
      const connection = em.getConnection();
      const ctx = em.getTransactionContext();
      await connection.execute('select pg_advisory_xact_lock(hashtext(?))', [bucket], 'all', ctx);
      const [result] = await connection.execute<HitRow[]>(
        `with pruned as (delete from rate_limit_hits where bucket = ? and expires_at <= ?),
              live as (select expires_at from rate_limit_hits where bucket = ? and expires_at > ?),
              admitted as (
                insert into rate_limit_hits (bucket, expires_at)
                select ?, ? where (select count(*) from live) < ?
                returning 1)
         select exists (select 1 from admitted) as admitted, (select min(expires_at) from live) as oldest_expiry`,
        [bucket, now, bucket, now, bucket, expiresAt, limit],
        'all',
        ctx,
      );
      return result;
    });
    return { admitted: row?.admitted ?? false, oldestExpiry: row?.oldest_expiry ? new Date(row.oldest_expiry) : null };
  }
}
