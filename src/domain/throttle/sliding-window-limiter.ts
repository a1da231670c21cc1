import type { DomainDeps } from '../deps';
import { errors } from '../errors';

/** At most `limit` hits per `windowSeconds`, counted per bucket. */
export interface RateLimitRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

interface HitResult {
  admitted: boolean;
  oldest_expiry: Date | null;
}

/**
 * A sliding-window-log rate limiter kept in PostgreSQL, so every instance of
 * the server shares it (OWASP ASVS V2.2.1 anti-automation). Each admitted hit
 * is one row that counts until `expires_at`; a bucket's hits are serialised by
 * a transaction-scoped advisory lock, so concurrent requests cannot overshoot
 * the limit. Rows past expiry are deleted as the bucket is used, and by
 * `purgeExpired` for buckets never seen again.
 */
export class SlidingWindowLimiter {
  constructor(private readonly deps: Pick<DomainDeps, 'orm' | 'clock'>) {}

  /** Records a hit on `bucket`, or throws `too_many_requests` with the seconds until the oldest hit leaves the window. */
  async hit(bucket: string, rule: RateLimitRule): Promise<void> {
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + rule.windowSeconds * 1000);
    const result = await this.deps.orm.em.fork().transactional(async (em) => {
      const connection = em.getConnection();
      const ctx = em.getTransactionContext();
      await connection.execute('select pg_advisory_xact_lock(hashtext(?))', [bucket], 'all', ctx);
      const [row] = await connection.execute<HitResult[]>(
        `with pruned as (delete from rate_limit_hits where bucket = ? and expires_at <= ?),
              live as (select expires_at from rate_limit_hits where bucket = ? and expires_at > ?),
              admitted as (
                insert into rate_limit_hits (bucket, expires_at)
                select ?, ? where (select count(*) from live) < ?
                returning 1)
         select exists (select 1 from admitted) as admitted, (select min(expires_at) from live) as oldest_expiry`,
        [bucket, now, bucket, now, bucket, expiresAt, rule.limit],
        'all',
        ctx,
      );
      return row;
    });
    if (result?.admitted) return;
    const oldest = result?.oldest_expiry ? new Date(result.oldest_expiry).getTime() : expiresAt.getTime();
    throw errors.tooManyRequests(Math.max(1, Math.ceil((oldest - now.getTime()) / 1000)));
  }
}
