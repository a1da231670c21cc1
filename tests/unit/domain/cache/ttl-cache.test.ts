import { TtlCache } from '../../../../src/domain/cache/ttl-cache';

const NOW = new Date('2026-11-23T12:00:00.000Z');

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TtlCache', () => {
  beforeEach(() => {
    // Only the clock is faked: promise continuations must still run on await.
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('loads on a miss and serves the cached value on a hit', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    const load = jest.fn(async () => 'v1');
    expect(await cache.get('k', load)).toBe('v1');
    expect(await cache.get('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(1);
    expect(cache.peek('k')).toBe('v1');
  });

  it('keeps keys apart', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    expect(await cache.get('a', async () => 'A')).toBe('A');
    expect(await cache.get('b', async () => 'B')).toBe('B');
    expect(cache.peek('a')).toBe('A');
  });

  it('expires an entry after its time-to-live', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    const load = jest.fn<Promise<string>, []>().mockResolvedValueOnce('v1').mockResolvedValueOnce('v2');
    await cache.get('k', load);
    jest.advanceTimersByTime(999);
    expect(cache.peek('k')).toBe('v1');
    expect(await cache.get('k', load)).toBe('v1');
    jest.advanceTimersByTime(1);
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', load)).toBe('v2');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent misses for the same key', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    const pending = deferred<string>();
    const load = jest.fn(() => pending.promise);
    const first = cache.get('k', load);
    const second = cache.get('k', load);
    pending.resolve('v1');
    await expect(Promise.all([first, second])).resolves.toEqual(['v1', 'v1']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failed load', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    const load = jest.fn<Promise<string>, []>().mockRejectedValueOnce(new Error('db down')).mockResolvedValueOnce('v1');
    await expect(cache.get('k', load)).rejects.toThrow('db down');
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', load)).toBe('v1');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('reloads after invalidate', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    const load = jest.fn<Promise<string>, []>().mockResolvedValueOnce('old').mockResolvedValueOnce('new');
    await cache.get('k', load);
    cache.invalidate('k');
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', load)).toBe('new');
  });

  it.each([
    ['invalidate', (cache: TtlCache<string>) => cache.invalidate('k')],
    ['clear', (cache: TtlCache<string>) => cache.clear()],
  ])('does not store a value whose load was in flight during %s', async (_, drop) => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    const stale = deferred<string>();
    const inFlight = cache.get('k', () => stale.promise);
    drop(cache);
    stale.resolve('stale');
    // The caller that started the load still gets its answer…
    expect(await inFlight).toBe('stale');
    // …but the cache does not keep it, and the next read loads afresh.
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
    expect(cache.peek('k')).toBe('fresh');
  });

  it('does not make a read after invalidate wait for the stale in-flight load', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    const stale = deferred<string>();
    void cache.get('k', () => stale.promise);
    cache.invalidate('k');
    const fresh = jest.fn(async () => 'fresh');
    expect(await cache.get('k', fresh)).toBe('fresh');
    expect(fresh).toHaveBeenCalledTimes(1);
    stale.resolve('stale');
  });

  // A stale load settling must not unregister the newer in-flight load.
  it('keeps sharing the post-invalidation load after the stale load settles', async () => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    const stale = deferred<string>();
    const fresh = deferred<string>();
    const load = jest
      .fn<Promise<string>, []>()
      .mockReturnValueOnce(stale.promise)
      .mockReturnValueOnce(fresh.promise)
      .mockResolvedValue('third');
    const first = cache.get('k', load);
    cache.invalidate('k');
    const second = cache.get('k', load);
    stale.resolve('stale');
    await first;
    const third = cache.get('k', load);
    fresh.resolve('fresh');
    expect(await Promise.all([second, third])).toEqual(['fresh', 'fresh']);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('evicts the oldest entry when maxEntries is reached', () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, maxEntries: 2 });
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.peek('b')).toBe('B');
    expect(cache.peek('c')).toBe('C');
  });

  it('spares an entry read since it was stored (second chance), then evicts the oldest unread one', () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, maxEntries: 3 });
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    expect(cache.peek('a')).toBe('A');
    cache.set('d', 'D'); // a was read: b goes
    expect(cache.peek('b')).toBeUndefined();
    cache.set('e', 'E'); // the oldest is now c, unread: it goes
    expect(cache.peek('c')).toBeUndefined();
    expect(cache.peek('a')).toBe('A');
    expect(cache.peek('d')).toBe('D');
    expect(cache.peek('e')).toBe('E');
    cache.set('f', 'F'); // every entry read: all spared once, then the oldest (a) goes
    expect(cache.peek('a')).toBeUndefined();
    expect([cache.peek('d'), cache.peek('e'), cache.peek('f')]).toEqual(['D', 'E', 'F']);
  });

  it('does not evict when overwriting a key that is already cached', () => {
    const cache = new TtlCache<string>({ ttlMs: 1000, maxEntries: 2 });
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('b', 'B2');
    expect(cache.peek('a')).toBe('A');
    expect(cache.peek('b')).toBe('B2');
  });

  it('restarts the time-to-live when a value is set again', () => {
    const cache = new TtlCache<string>({ ttlMs: 1000 });
    cache.set('k', 'v1');
    jest.advanceTimersByTime(800);
    cache.set('k', 'v2');
    jest.advanceTimersByTime(800);
    expect(cache.peek('k')).toBe('v2');
  });

  it('while untrusted (change bus down) neither serves nor stores entries, and serves again once trusted', async () => {
    let trusted = true;
    const cache = new TtlCache<string>({ ttlMs: 1000, trusted: () => trusted });
    let version = 0;
    const load = jest.fn(async () => `v${++version}`);
    expect(await cache.get('k', load)).toBe('v1');
    trusted = false;
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', load)).toBe('v2');
    expect(await cache.get('k', load)).toBe('v3');
    cache.set('other', 'x');
    trusted = true;
    expect(cache.peek('other')).toBeUndefined();
    cache.clear(); // what a resync does
    expect(await cache.get('k', load)).toBe('v4');
    expect(await cache.get('k', load)).toBe('v4');
    expect(load).toHaveBeenCalledTimes(4);
  });
  it('dropWhere drops the matching entries and keeps loads in flight from storing', async () => {
    const cache = new TtlCache<{ owner: string }>({ ttlMs: 1000 });
    cache.set('a1', { owner: 'a' });
    cache.set('a2', { owner: 'a' });
    cache.set('b1', { owner: 'b' });
    let finish: (value: { owner: string }) => void = () => {};
    const inFlight = cache.get('b2', () => new Promise((resolve) => (finish = resolve)));
    cache.dropWhere((value) => value.owner === 'a');
    expect([cache.peek('a1'), cache.peek('a2'), cache.peek('b1')]).toEqual([undefined, undefined, { owner: 'b' }]);
    finish({ owner: 'b' });
    expect(await inFlight).toEqual({ owner: 'b' });
    expect(cache.peek('b2')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('reads time from the clock it is given', () => {
    let now = 5_000;
    const cache = new TtlCache<string>({ ttlMs: 100, now: () => now });
    cache.set('k', 'v');
    now += 99;
    expect(cache.peek('k')).toBe('v');
    now += 1;
    expect(cache.peek('k')).toBeUndefined();
  });
});
