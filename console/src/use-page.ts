import { useEffect, useState } from 'preact/hooks';
import { errorsOf, type GraphQLErrorEntry } from './graphql-errors';
import { cursorFor, listKey, nextPosition, type ListPosition } from './list-position';

export interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  totalCount: number;
}

/**
 * One page of a cursor-paged list whose query arguments are `deps` (tenant, search term, filters):
 * `next()` follows endCursor, `first()` and `reload()` start again, and new arguments start at the
 * first page (see {@link cursorFor}). An answer to an older request is dropped.
 */
export function usePage<T>(load: (after: string | null) => Promise<Connection<T>>, deps: readonly unknown[]) {
  const key = listKey(deps);
  const [position, setPosition] = useState<ListPosition>({ key, after: null });
  const [shown, setShown] = useState<{ key: string; page: Connection<T> } | null>(null);
  const [error, setError] = useState<GraphQLErrorEntry[] | null>(null);
  const [version, setVersion] = useState(0);
  const after = cursorFor(position, key);
  useEffect(() => {
    let live = true;
    load(after).then(
      (result) => live && (setShown({ key, page: result }), setError(null)),
      (failure: unknown) => live && setError(errorsOf(failure)),
    );
    return () => {
      live = false;
    };
  }, [after, version, key]);
  const next = nextPosition(key, shown && { key: shown.key, ...shown.page.pageInfo });
  return {
    page: shown?.page ?? null,
    error,
    paged: after !== null,
    hasNext: next !== null,
    next: () => next && setPosition(next),
    first: () => setPosition({ key, after: null }),
    reload: () => setVersion((v) => v + 1),
  };
}
