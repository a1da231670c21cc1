import { chooseUserTenantPath } from '../../../../src/domain/grants/choose-user-tenant-path';
import { domainErrorFrom } from '../../expect-domain-error';

describe('chooseUserTenantPath (seed 003 tenant_path)', () => {
  it.each([undefined, '', '  '])('defaults to the client tenant for %j', (requested) => {
    expect(chooseUserTenantPath(requested, '/acme')).toBe('/acme');
  });

  it.each([
    ['/acme', '/acme'],
    ['/acme/', '/acme'],
    ['/acme/eu', '/acme/eu'],
    ['/acme/eu/sub_tenant', '/acme/eu/sub_tenant'],
  ])('accepts the client tenant and its subtree: %j', (requested, expected) => {
    expect(chooseUserTenantPath(requested, '/acme')).toBe(expected);
  });

  it('lets a root client pick any tenant', () => {
    expect(chooseUserTenantPath('/other', '/')).toBe('/other');
  });

  it.each(['/', '/other', '/acmeish', '/acme-eu'])('refuses %j outside the client tenant with invalid_request', (requested) => {
    expect(domainErrorFrom(() => chooseUserTenantPath(requested, '/acme'))).toMatchObject({
      code: 'invalid_request',
      field: 'tenant_path',
    });
  });

  it.each(['acme', '/ACME', '/acme//eu', '/acme/../x'])('refuses malformed %j', (requested) => {
    expect(domainErrorFrom(() => chooseUserTenantPath(requested, '/acme'))).toMatchObject({
      code: 'validation_failed',
      field: 'tenant_path',
    });
  });
});
