import { defaults } from '../config/defaults';
import { errors } from './errors';
import { isUuid } from './ids';

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

/** A page request of a searchable list; `search` is a case-insensitive substring (see search-term.ts). */
export interface SearchablePageRequest extends PageRequest {
  search?: string | null;
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/** Page size clamped to the configured bounds. */
export function pageSize(request: PageRequest): number {
  const first = request.first ?? defaults.pageSize.default;
  if (!Number.isInteger(first) || first < 1 || first > defaults.pageSize.max) {
    throw errors.validation('first', `must be between 1 and ${defaults.pageSize.max}`);
  }
  return first;
}

/** Cache key of one page request of the list `scope` (a tenant id, a subtree path). */
export const pageCacheKey = (scope: string, request: SearchablePageRequest): string =>
  JSON.stringify([scope, request.first ?? null, request.after ?? null, request.search ?? null]);

/** Opaque cursors: base64url of a JSON array of the sort key. */
export const encodeCursor = (key: unknown[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string): unknown[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value)) return value;
  } catch {
    // fall through to the validation error
  }
  throw errors.validation('after', 'is not a valid cursor');
}

/** Decodes a keyset cursor of `[time, uuid]` (the key of every time-ordered list), or refuses it as `after`. */
export function decodeTimeCursor(cursor: string): [Date, string] {
  const [time, id] = decodeCursor(cursor);
  const at = new Date(String(time));
  if (Number.isNaN(at.getTime()) || !isUuid(id)) throw errors.validation('after', 'is not a valid cursor');
  return [at, id];
}

/** Builds a page from `size + 1` fetched rows. */
export function toPage<T>(rows: T[], size: number, totalCount: number, keyOf: (row: T) => unknown[]): Page<T> {
  const hasNextPage = rows.length > size;
  const nodes = hasNextPage ? rows.slice(0, size) : rows;
  const last = nodes[nodes.length - 1];
  return { nodes, hasNextPage, endCursor: last ? encodeCursor(keyOf(last)) : null, totalCount };
}
