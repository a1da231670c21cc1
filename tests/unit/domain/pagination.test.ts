import { decodeCursor, encodeCursor, pageSize, toPage } from '../../../src/domain/pagination';
import { domainErrorFrom } from '../expect-domain-error';

describe('pageSize', () => {
  it.each([{}, { first: null }, { first: undefined }])('defaults to 20 for %j', (request) => {
    expect(pageSize(request)).toBe(20);
  });

  it.each([1, 50, 100])('accepts first = %d', (first) => {
    expect(pageSize({ first })).toBe(first);
  });

  it.each([0, -1, 101, 2.5, Number.NaN])('refuses first = %d with validation_failed on "first"', (first) => {
    expect(domainErrorFrom(() => pageSize({ first }))).toMatchObject({ code: 'validation_failed', field: 'first' });
  });
});

describe('cursors', () => {
  it('round-trip the sort key', () => {
    const key = ['2026-01-01T00:00:00.000Z', 'c0ffee', 42, null];
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('are URL-safe', () => {
    expect(encodeCursor(['???>>>~~~', 'ü'])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['empty', ''],
    ['a JSON object', Buffer.from('{"id":1}').toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['a JSON string', Buffer.from('"x"').toString('base64url')],
  ])('refuses %s with validation_failed on "after"', (_, cursor) => {
    expect(domainErrorFrom(() => decodeCursor(cursor))).toMatchObject({ code: 'validation_failed', field: 'after' });
  });
});

describe('toPage', () => {
  const keyOf = (row: { id: number }) => [row.id];
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

  it('reports a next page when size + 1 rows were fetched, and drops the extra row', () => {
    const page = toPage(rows(4), 3, 10, keyOf);
    expect(page.hasNextPage).toBe(true);
    expect(page.nodes).toEqual(rows(3));
    expect(page.totalCount).toBe(10);
    // The cursor points at the last returned node, not at the look-ahead row.
    expect(decodeCursor(page.endCursor!)).toEqual([3]);
  });

  it('reports no next page when at most size rows were fetched', () => {
    const page = toPage(rows(3), 3, 3, keyOf);
    expect(page.hasNextPage).toBe(false);
    expect(page.nodes).toEqual(rows(3));
    expect(decodeCursor(page.endCursor!)).toEqual([3]);
  });

  it('has a null end cursor for an empty page', () => {
    expect(toPage([], 3, 0, keyOf)).toEqual({ nodes: [], hasNextPage: false, endCursor: null, totalCount: 0 });
  });
});
