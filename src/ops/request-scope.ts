import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-request bookkeeping carried across awaits: the database round trips a request makes. */
export interface RequestScope {
  dbQueries: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
