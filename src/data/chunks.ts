/** Keys per set-based read (`where key = any(…)`/`in (…)`): large enough to make 10,000 rows a handful of queries. */
export const BULK_READ_CHUNK = 2_000;

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
