import { cursorFor, listKey, nextPosition, searchTerm } from '../../../console/src/list-position';

describe('console list paging under a search', () => {
  const acme = listKey(['/acme', null]);
  const acmeZeta = listKey(['/acme', 'zeta']);

  it('keys a query by its arguments, so another search or tenant is another query', () => {
    expect(acmeZeta).not.toBe(acme);
    expect(listKey(['/acme', 'zeta'])).toBe(acmeZeta);
    expect(listKey(['/beta', 'zeta'])).not.toBe(acmeZeta);
  });

  it('follows a cursor only under the query it was read from: a new search starts at the first page', () => {
    expect(cursorFor({ key: acme, after: 'c20' }, acme)).toBe('c20');
    expect(cursorFor({ key: acme, after: 'c20' }, acmeZeta)).toBeNull();
    expect(cursorFor({ key: acmeZeta, after: null }, acmeZeta)).toBeNull();
  });

  it('takes the next cursor from the page on screen only when that page answers the current query and has more', () => {
    expect(nextPosition(acmeZeta, { key: acmeZeta, hasNextPage: true, endCursor: 'z20' })).toEqual({ key: acmeZeta, after: 'z20' });
    // The page still on screen was loaded before the search changed: its cursor is not the new query's.
    expect(nextPosition(acmeZeta, { key: acme, hasNextPage: true, endCursor: 'c20' })).toBeNull();
    expect(nextPosition(acmeZeta, { key: acmeZeta, hasNextPage: false, endCursor: 'z5' })).toBeNull();
    expect(nextPosition(acmeZeta, { key: acmeZeta, hasNextPage: true, endCursor: null })).toBeNull();
    expect(nextPosition(acmeZeta, null)).toBeNull();
  });

  it('sends the trimmed text as the search, and none for a blank box', () => {
    expect(searchTerm('  zeta ')).toBe('zeta');
    expect(searchTerm('50%_off')).toBe('50%_off');
    expect(searchTerm('   ')).toBeNull();
    expect(searchTerm('')).toBeNull();
  });
});
