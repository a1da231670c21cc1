/** The outcome of one attempt on a bucket: admitted, or the time the oldest live hit leaves the window. */
export interface HitOutcome {
  readonly admitted: boolean;
  readonly oldestExpiry: Date | null;
}

/** A bucket's live hits at one moment: how many, and when the newest leaves the window. */
export interface BucketTally {
  readonly bucket: string;
  readonly count: number;
  readonly newestExpiry: Date;
}

/**
 * The storage of the sliding-window rate limiter (implemented in
 * `src/data/rate-limit.repository.ts`): a log of hits per bucket, each
 * counting until it expires, shared by every instance of the server.
 */
export interface RateLimitStore {
  /**
   * Records a hit on `bucket` expiring at `expiresAt` unless `limit` hits are live at `now`;
   * hits on one bucket are serialised, so concurrent calls cannot overshoot the limit.
   */
  hit(bucket: string, now: Date, expiresAt: Date, limit: number): Promise<HitOutcome>;
  /** Records one hit, expiring at `expiresAt`, on each bucket (no limit applies), and returns every bucket's live tally: one statement. */
  add(buckets: readonly string[], now: Date, expiresAt: Date): Promise<BucketTally[]>;
  /** The live tally of each bucket that has hits at `now` (buckets without any are left out). */
  tally(buckets: readonly string[], now: Date): Promise<BucketTally[]>;
  /** Live buckets whose name starts with `prefix`, newest expiry each; at most `limit`. */
  liveBuckets(prefix: string, now: Date, limit: number): Promise<BucketTally[]>;
  /**
   * Records one hit on `bucket` expiring at `expiresAt`, unless a hit that expires after `freshAfter`
   * is there already (a long-lived marker, refreshed at most once per `expiresAt - freshAfter`).
   */
  remember(bucket: string, expiresAt: Date, freshAfter: Date): Promise<void>;
  /** Deletes every hit of the buckets. */
  clear(buckets: readonly string[]): Promise<void>;
}
