/**
 * The delay before retry number `failures` (1 for the first retry) of an exponential backoff:
 * `firstMs`, then doubled at each further failure, never more than `maxMs`.
 */
export function exponentialBackoffMs(failures: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.min(40, Math.max(0, failures - 1)));
}
