import { useEffect, useState } from 'preact/hooks';
import { errorsOf, type GraphQLErrorEntry } from './graphql-errors';

export interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  totalCount: number;
}

/** One page of a cursor-paged list: `next()` follows endCursor, `first()` and `reload()` start again. */
export function usePage<T>(load: (after: string | null) => Promise<Connection<T>>, deps: readonly unknown[]) {
  const [after, setAfter] = useState<string | null>(null);
  const [page, setPage] = useState<Connection<T> | null>(null);
  const [error, setError] = useState<GraphQLErrorEntry[] | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => setAfter(null), deps);
  useEffect(() => {
    let live = true;
    load(after).then(
      (result) => live && (setPage(result), setError(null)),
      (failure: unknown) => live && setError(errorsOf(failure)),
    );
    return () => {
      live = false;
    };
  }, [after, version, ...deps]);
  return {
    page,
    error,
    paged: after !== null,
    next: () => page?.pageInfo.endCursor && setAfter(page.pageInfo.endCursor),
    first: () => setAfter(null),
    reload: () => setVersion((v) => v + 1),
  };
}
