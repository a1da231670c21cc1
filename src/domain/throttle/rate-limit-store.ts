import type { RateLimitRepository } from '../../data/rate-limit.repository';

/**
 * The rate limits port. For now the concrete repository: SlidingWindowLimiter still takes
 * `RateLimitRepository` (a class with a private field, so no interface can stand in for
 * it) and its methods still return ORM entities. When SlidingWindowLimiter is switched to
 * plain values, this becomes an interface of the methods it calls and
 * `RateLimitRepository implements RateLimitStore`; callers of the type need no change.
 */
export type RateLimitStore = RateLimitRepository;
