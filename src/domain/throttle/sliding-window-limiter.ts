import type { RateLimitRepository } from '../../data/rate-limit.repository';
import type { Clock } from '../clock';
import { errors } from '../errors';

/** At most `limit` hits per `windowSeconds`, counted per bucket. */
export interface RateLimitRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * A sliding-window-log rate limiter kept in PostgreSQL (RateLimitRepository),
 * so every instance of the server shares it (OWASP ASVS V2.2.1
 * anti-automation). Each admitted hit counts until the window has passed over
 * it; concurrent requests cannot overshoot the limit. Expired hits are deleted
 * as the bucket is used, and by `purgeExpired` for buckets never seen again.
 */
export class SlidingWindowLimiter {
  constructor(
    private readonly hits: RateLimitRepository,
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
}
