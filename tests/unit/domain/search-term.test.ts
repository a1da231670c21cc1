import { searchTerm } from '../../../src/domain/search-term';
import { domainErrorFrom } from '../expect-domain-error';

describe('searchTerm', () => {
  it('trims, and treats a missing or blank search as none', () => {
    expect(searchTerm(null)).toBeNull();
    expect(searchTerm(undefined)).toBeNull();
    expect(searchTerm('  \t ')).toBeNull();
    expect(searchTerm('  Acme ')).toBe('Acme');
  });

  it('refuses more than 200 characters and control characters', () => {
    expect(searchTerm('x'.repeat(200))).toHaveLength(200);
    expect(domainErrorFrom(() => searchTerm('x'.repeat(201)))).toMatchObject({ code: 'validation_failed', field: 'search' });
    expect(domainErrorFrom(() => searchTerm('a\u0000b'))).toMatchObject({ code: 'validation_failed', field: 'search' });
  });
});
