import type { BucketTally, HitOutcome, RateLimitStore } from '../domain/throttle/rate-limit-store';
import type { Database } from './database';

interface HitRow {
  admitted: boolean;
  oldest_expiry: Date | string | null;
}

interface TallyRow {
  bucket: string;
  count: string | number;
  newest_expiry: Date | string;
}

const toTally = (row: TallyRow): BucketTally => ({
  bucket: row.bucket,
  count: Number(row.count),
  newestExpiry: new Date(row.newest_expiry),
});

/**
 * The sliding-window log of the rate limiter (`rate_limit_hits`): one row per
 * admitted hit, counting until `expires_at`. A bucket's hits are serialised by
 * a transaction-scoped advisory lock, so concurrent requests cannot overshoot
 * the limit; rows past expiry are deleted as the bucket is used.
 */
export class RateLimitRepository implements RateLimitStore {
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

  /** Records one hit, expiring at `expiresAt`, on each bucket (no limit applies), and returns every bucket's live tally: one statement. */
  async add(buckets: readonly string[], now: Date, expiresAt: Date): Promise<BucketTally[]> {
    const rows = await this.db
      .em()
      .getConnection()
      .execute<TallyRow[]>(
        `with added as (insert into rate_limit_hits (bucket, expires_at) select unnest(array[?]::text[]), ? returning bucket, expires_at)
       select b.bucket, count(*) as count, max(b.expires_at) as newest_expiry
         from (select bucket, expires_at from added
               union all
               select bucket, expires_at from rate_limit_hits where bucket = any(array[?]::text[]) and expires_at > ?) b
        group by b.bucket`,
        [buckets, expiresAt, buckets, now],
      );
    return rows.map(toTally);
  }

  /** The live tally of each bucket that has hits at `now` (buckets without any are left out). */
  async tally(buckets: readonly string[], now: Date): Promise<BucketTally[]> {
    const rows = await this.db
      .em()
      .getConnection()
      .execute<TallyRow[]>(
        `select bucket, count(*) as count, max(expires_at) as newest_expiry from rate_limit_hits
        where bucket = any(array[?]::text[]) and expires_at > ? group by bucket`,
        [buckets, now],
      );
    return rows.map(toTally);
  }

  /** Live buckets whose name starts with `prefix`, newest expiry each; at most `limit`. */
  async liveBuckets(prefix: string, now: Date, limit: number): Promise<BucketTally[]> {
    const rows = await this.db
      .em()
      .getConnection()
      .execute<TallyRow[]>(
        `select bucket, count(*) as count, max(expires_at) as newest_expiry from rate_limit_hits
        where starts_with(bucket, ?) and expires_at > ? group by bucket limit ?`,
        [prefix, now, limit],
      );
    return rows.map(toTally);
  }

  /**
   * Records one hit on `bucket` expiring at `expiresAt`, unless a hit that expires after `freshAfter` is
   * there already (a long-lived marker, refreshed at most once per `expiresAt - freshAfter`): one statement.
   */
  async remember(bucket: string, expiresAt: Date, freshAfter: Date): Promise<void> {
    await this.db
      .em()
      .getConnection()
      .execute(
        `insert into rate_limit_hits (bucket, expires_at)
       select ?, ? where not exists (select 1 from rate_limit_hits where bucket = ? and expires_at > ?)`,
        [bucket, expiresAt, bucket, freshAfter],
      );
  }

  /** Deletes every hit of the buckets. */
  async clear(buckets: readonly string[]): Promise<void> {
    await this.db.em().getConnection().execute('delete from rate_limit_hits where bucket = any(array[?]::text[])', [buckets]);
  }
}
