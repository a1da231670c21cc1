/**
 * The in-process hint of which throttle keys failed recently, on any
 * instance: key → until when the hint holds (its newest failure's window
 * end). A key absent from the hints has no live failure, so its check needs
 * no database read. Bounded: when a live hint must be evicted to make room,
 * the hints are "saturated" until that hint would have expired, and every
 * check reads the database meanwhile (so flooding the hints with failures
 * cannot hide a key from the throttle; it only costs queries).
 */
export class RecentFailureHints {
  private readonly hints = new Map<string, number>();
  private saturatedUntil = 0;

  constructor(private readonly maxEntries: number) {}

  /** Whether `key` may have live failures at `nowMs` (true for every key while saturated). */
  mayHaveFailed(key: string, nowMs: number): boolean {
    if (nowMs < this.saturatedUntil) return true;
    const until = this.hints.get(key);
    if (until === undefined) return false;
    if (until > nowMs) return true;
    this.hints.delete(key);
    return false;
  }

  /** Notes that `key` has live failures until `untilMs`. */
  add(key: string, untilMs: number, nowMs: number): void {
    const previous = this.hints.get(key);
    this.hints.delete(key);
    this.hints.set(key, Math.max(untilMs, previous ?? 0));
    while (this.hints.size > this.maxEntries) {
      const [oldestKey, oldestUntil] = this.hints.entries().next().value as [string, number];
      this.hints.delete(oldestKey);
      if (oldestUntil > nowMs) this.saturatedUntil = Math.max(this.saturatedUntil, oldestUntil);
    }
  }

  /** Marks every key as possibly failed until `untilMs` (the hints cannot be trusted until then). */
  saturate(untilMs: number): void {
    this.saturatedUntil = Math.max(this.saturatedUntil, untilMs);
  }

  delete(key: string): void {
    this.hints.delete(key);
  }

  get size(): number {
    return this.hints.size;
  }
}
