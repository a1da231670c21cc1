import type { Clock } from '../clock';
import { errors } from '../errors';
import type { BucketTally, RateLimitStore } from './rate-limit-store';

/** At most `limit` hits per `windowSeconds`, counted per bucket. */
export interface RateLimitRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * A sliding-window-log rate limiter kept in PostgreSQL (through RateLimitStore),
 * so every instance of the server shares it (OWASP ASVS V2.2.1
 * anti-automation). Each admitted hit counts until the window has passed over
 * it; concurrent requests cannot overshoot the limit. Expired hits are deleted
 * as the bucket is used, and by `purgeExpired` for buckets never seen again.
 *
 * Besides admit-or-refuse (`hit`, self sign-up), it counts events that are
 * not admitted but recorded after the fact (`add`, `tally`, `clear`): failed
 * credential checks, whose lockout policy is the brute-force guard's.
 */
export class SlidingWindowLimiter {
  constructor(
    private readonly hits: RateLimitStore,
    private readonly clock: Clock,
  ) {}

  /** Records a hit on `bucket`, or throws `too_many_requests` with the seconds until the oldest hit leaves the window. */
  async hit(bucket: string, rule: RateLimitRule): Promise<void> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + rule.windowSeconds * 1000);
    const { admitted, oldestExpiry } = await this.hits.hit(bucket, now, expiresAt, rule.limit);
    if (admitted) return;
    const oldest = (oldestExpiry ?? expiresAt).getTime();
    throw errors.tooManyRequests(Math.max(1, Math.ceil((oldest - now.getTime()) / 1000)));
  }

  /** Records one hit on each bucket, counting for `windowSeconds`, and returns each bucket's live tally (one statement). */
  add(buckets: readonly string[], windowSeconds: number): Promise<BucketTally[]> {
    const now = this.clock.now();
    return this.hits.add(buckets, now, new Date(now.getTime() + windowSeconds * 1000));
  }

  /** The live tally of the buckets that have hits now. */
  tally(buckets: readonly string[]): Promise<BucketTally[]> {
    return this.hits.tally(buckets, this.clock.now());
  }

  /** Live buckets starting with `prefix`, at most `limit`. */
  liveBuckets(prefix: string, limit: number): Promise<BucketTally[]> {
    return this.hits.liveBuckets(prefix, this.clock.now(), limit);
  }

  /**
   * Marks `bucket` for `lifetimeSeconds` (a remembered fact rather than a counted event, such as a source
   * known to a credential); a mark with more than `lifetimeSeconds - refreshSeconds` left is kept as it is.
   */
  remember(bucket: string, lifetimeSeconds: number, refreshSeconds: number): Promise<void> {
    const now = this.clock.now().getTime();
    return this.hits.remember(bucket, new Date(now + lifetimeSeconds * 1000), new Date(now + (lifetimeSeconds - refreshSeconds) * 1000));
  }

  /** Forgets every hit of the buckets. */
  clear(buckets: readonly string[]): Promise<void> {
    return this.hits.clear(buckets);
  }
}
