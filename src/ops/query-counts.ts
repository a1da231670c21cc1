import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request bookkeeping for metrics, carried across awaits: the database round trips a request makes. */
export interface QueryCounts {
  dbQueries: number;
}

export const queryCounts = new AsyncLocalStorage<QueryCounts>();
