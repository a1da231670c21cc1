import { ADMIN_SCOPE, assertManages, type Actor } from '../../../src/domain/actor';
import { domainErrorFrom } from '../expect-domain-error';

const actor = (tenantPath: string, scopes: string[] = [ADMIN_SCOPE]): Actor => ({
  subject: 'client-1',
  clientId: 'client-1',
  tenantId: '00000000-0000-4000-8000-000000000001',
  tenantPath,
  scopes,
  jti: 'jti-1',
});

describe('assertManages', () => {
  it('uses the "admin" scope', () => {
    expect(ADMIN_SCOPE).toBe('admin');
  });

  it.each(['/acme', '/acme/eu', '/acme/eu/paris'])('lets an /acme admin manage %s', (target) => {
    expect(() => assertManages(actor('/acme'), target)).not.toThrow();
  });

  it.each(['/', '/acme', '/acmex', '/other/deep'])('lets a root admin manage %s', (target) => {
    expect(() => assertManages(actor('/'), target)).not.toThrow();
  });

  it.each([
    ['its parent', '/'],
    ['a sibling', '/other'],
    ['a sibling sharing its name as a prefix', '/acmex'],
    ['a child of a prefix-sharing sibling', '/acme-corp/eu'],
  ])('forbids an /acme admin from managing %s (%s)', (_, target) => {
    expect(domainErrorFrom(() => assertManages(actor('/acme'), target)).code).toBe('forbidden');
  });

  it.each([
    ['no scopes', []],
    ['other scopes', ['openid', 'profile']],
    ['a look-alike scope', ['administrator', 'admin:read']],
  ])('forbids a token without the admin scope (%s), even for its own tenant', (_, scopes) => {
    expect(domainErrorFrom(() => assertManages(actor('/acme', scopes), '/acme')).code).toBe('forbidden');
    expect(domainErrorFrom(() => assertManages(actor('/', scopes), '/acme')).code).toBe('forbidden');
  });
});
