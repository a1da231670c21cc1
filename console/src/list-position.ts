/**
 * Where a cursor-paged list stands. A cursor belongs to the query it was read under (tenant, search term,
 * filters: the `key`): when the query changes, the list starts again at its first page, and a page loaded
 * under an older query never supplies the cursor for the next one.
 */
export interface ListPosition {
  key: string;
  after: string | null;
}

/** The key of a list query: its arguments other than the cursor, in order. */
export const listKey = (args: readonly unknown[]): string => JSON.stringify(args);

/** The cursor to load for `key`: the position's, if it was taken under the same query; else the first page. */
export const cursorFor = (position: ListPosition, key: string): string | null => (position.key === key ? position.after : null);

/** The position after "Next page", or null when the page on screen is not of the current query or has no next page. */
export function nextPosition(
  key: string,
  shown: { key: string; hasNextPage: boolean; endCursor?: string | null } | null,
): ListPosition | null {
  if (!shown || shown.key !== key || !shown.hasNextPage || !shown.endCursor) return null;
  return { key, after: shown.endCursor };
}

/** A search box's text as the list query's `search`: trimmed, and null when blank (no search). */
export const searchTerm = (text: string): string | null => text.trim() || null;
