import { mayIntrospect } from '../../../../src/domain/introspection/may-introspect';

describe('mayIntrospect', () => {
  const confidential = { clientId: 'rs', isPublic: false, tenantPath: '/acme' };

  it.each([
    ['/acme', true],
    ['/acme/eu', true],
    ['/acme/eu/paris', true],
    ['/', false],
    ['/beta', false],
    ['/acmex', false],
  ])('lets a confidential client of /acme introspect tokens of %s: %s', (tenantPath, allowed) => {
    expect(mayIntrospect(confidential, { clientId: 'someone', tenantPath })).toBe(allowed);
  });

  it('lets a root-tenant client introspect every tenant', () => {
    expect(mayIntrospect({ ...confidential, tenantPath: '/' }, { clientId: 'x', tenantPath: '/beta/deep' })).toBe(true);
  });

  it('lets a public client introspect only its own tokens, even within its tenant', () => {
    const spa = { clientId: 'spa', isPublic: true, tenantPath: '/acme' };
    expect(mayIntrospect(spa, { clientId: 'spa', tenantPath: '/acme' })).toBe(true);
    expect(mayIntrospect(spa, { clientId: 'rs', tenantPath: '/acme' })).toBe(false);
  });
});
