import type { MaybePromise } from '../util/maybe-promise';

interface Entry<V> {
  value: V;
  expiresAt: number;
  /** Read since it was stored or last spared by eviction (the "second chance" bit). */
  used: boolean;
}

export interface TtlCacheOptions<V> {
  ttlMs: number;
  maxEntries?: number;
  /** Values that must not be cached (e.g. `null` for unknown keys, so random keys cannot flood the cache). */
  skip?: (value: V) => boolean;
  /**
   * Whether entries may be served and stored right now. A cache fed by the
   * change bus passes `() => bus.live`: while the bus is disconnected every
   * read goes to the loader, since an invalidation could be missed.
   */
  trusted?: () => boolean;
  /** The clock, in epoch milliseconds (tests pass their own). */
  now?: () => number;
}

/**
 * In-memory read-through cache with a time-to-live, explicit invalidation and
 * approximately least-recently-used eviction ("second chance": a hit only
 * marks its entry, and eviction spares marked entries once, moving them to the
 * back), so a hit on the hot path does not reorder the map; bypassed while it
 * cannot be trusted. Concurrent misses for one key share a single
 * load; a load that an invalidation overtook is returned to its callers but
 * never stored.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly skip?: (value: V) => boolean;
  private readonly trusted?: () => boolean;
  private readonly now: () => number;

  constructor(options: TtlCacheOptions<V>) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.skip = options.skip;
    this.trusted = options.trusted;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value (synchronously, on a hit), else the (shared) load's promise. */
  get(key: string, load: () => Promise<V>): MaybePromise<V> {
    if (this.trusted && !this.trusted()) return load();
    const cached = this.peek(key);
    if (cached !== undefined) return cached;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const promise: Promise<V> = load().then(
      (value) => {
        // Only the load still registered for the key may store: an invalidation unregisters it.
        if (this.loading.get(key) === promise) {
          this.loading.delete(key);
          if (!this.skip?.(value)) this.set(key, value);
        }
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === promise) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, promise);
    return promise;
  }

  /** The cached value without loading, or undefined. A hit marks the entry recently used. */
  peek(key: string): V | undefined {
    if (this.trusted && !this.trusted()) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    entry.used = true;
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.trusted && !this.trusted()) return;
    if (this.entries.size >= this.maxEntries) this.evictOne();
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs, used: false });
  }

  /** Evicts the oldest entry not used since it was stored or last spared; used ones move to the back, unmarked. */
  private evictOne(): void {
    for (const [key, entry] of this.entries) {
      this.entries.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.entries.set(key, entry);
    }
  }

  invalidate(key: string): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }

  /**
   * Drops the entries whose value `matches` (e.g. every token of one user),
   * and every load in flight: its value is not known yet, so it is returned
   * to its callers but not stored.
   */
  dropWhere(matches: (value: V) => boolean): void {
    this.loading.clear();
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.loading.clear();
  }
}
