import { ADMIN_SCOPE, resolveInScope, tenantPathInScope, type Actor, type TenantPathLookup } from '../../../src/domain/actor';
import { isDomainError, type DomainError } from '../../../src/domain/errors';
import { domainErrorFrom } from '../expect-domain-error';

const actor = (tenantPath: string, scopes: string[] = [ADMIN_SCOPE]): Actor => ({
  subject: 'client-1',
  clientId: 'client-1',
  tenantId: '00000000-0000-4000-8000-000000000001',
  tenantPath,
  scopes,
  jti: 'jti-1',
});

const rejection = async (promise: Promise<unknown>): Promise<DomainError> => {
  try {
    await promise;
  } catch (error) {
    if (isDomainError(error)) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
};

describe('tenantPathInScope', () => {
  it('uses the "admin" scope', () => {
    expect(ADMIN_SCOPE).toBe('admin');
  });

  it.each(['/acme', '/acme/eu', '/acme/eu/paris'])('lets an /acme admin manage %s', (target) => {
    expect(tenantPathInScope(actor('/acme'), target)).toBe(target);
  });

  it.each(['/', '/acme', '/acmex', '/other/deep'])('lets a root admin manage %s', (target) => {
    expect(tenantPathInScope(actor('/'), target)).toBe(target);
  });

  it.each([
    ['its parent', '/'],
    ['a sibling', '/other'],
    ['a sibling sharing its name as a prefix', '/acmex'],
    ['a child of a prefix-sharing sibling', '/acme-corp/eu'],
  ])('answers an /acme admin asking for %s as for a tenant that does not exist', (_, target) => {
    const error = domainErrorFrom(() => tenantPathInScope(actor('/acme'), target));
    expect({ code: error.code, description: error.description }).toEqual({
      code: 'not_found',
      description: `tenant "${target}" not found`,
    });
  });

  it.each([
    ['no scopes', []],
    ['other scopes', ['openid', 'profile']],
    ['a look-alike scope', ['administrator', 'admin:read']],
  ])('forbids a token without the admin scope (%s), even for its own tenant', (_, scopes) => {
    expect(domainErrorFrom(() => tenantPathInScope(actor('/acme', scopes), '/acme')).code).toBe('forbidden');
    expect(domainErrorFrom(() => tenantPathInScope(actor('/', scopes), '/acme')).code).toBe('forbidden');
  });
});

describe('resolveInScope', () => {
  const tenants: TenantPathLookup = { findById: (id) => ({ north: { path: '/north' }, south: { path: '/south' } })[id] ?? null };
  const objects: Record<string, { tenantId: string }> = {
    'north-web': { tenantId: 'north' },
    'south-web': { tenantId: 'south' },
    orphan: { tenantId: 'gone' },
  };
  const resolve = (who: Actor, id: string) => resolveInScope(who, tenants, 'client', id, () => objects[id] ?? null);

  it('returns an object of the actor’s subtree', async () => {
    await expect(resolve(actor('/north'), 'north-web')).resolves.toBe(objects['north-web']);
    await expect(resolve(actor('/'), 'south-web')).resolves.toBe(objects['south-web']);
  });

  it('answers an object outside the subtree, one whose tenant is gone and an unknown id alike', async () => {
    const answers = await Promise.all(
      ['south-web', 'orphan', 'no-such'].map(async (id) => {
        const error = await rejection(resolve(actor('/north'), id));
        return { code: error.code, description: error.description.replace(id, '<id>') };
      }),
    );
    expect(answers).toEqual([0, 1, 2].map(() => ({ code: 'not_found', description: 'client "<id>" not found' })));
  });

  it('refuses a non-admin before looking anything up', async () => {
    let looked = false;
    const error = await rejection(
      resolveInScope(actor('/north', []), tenants, 'client', 'north-web', () => ((looked = true), objects['north-web'])),
    );
    expect(error.code).toBe('forbidden');
    expect(looked).toBe(false);
  });
});
