import { targetKindOf, targetOf, tenantOf } from '../../../src/graphql/audit-mutation';

describe('audit targets of mutations', () => {
  it.each([
    ['createClient', 'client'],
    ['rotateClientSecret', 'client'],
    ['setUserPassword', 'user'],
    ['deleteTenant', 'tenant'],
    ['rotateSigningKey', 'signing'],
    ['revokeTokensIssuedBefore', 'tokens'],
  ])('%s acts on a %s', (mutation, kind) => expect(targetKindOf(mutation)).toBe(kind));

  it('takes the target from arguments first, then the result, then the input', () => {
    expect(targetOf('updateClient', { clientId: 'web', input: { name: 'x' } }, null)).toEqual({ kind: 'client', id: 'web' });
    expect(targetOf('updateUser', { id: 'u-1', input: {} }, null)).toEqual({ kind: 'user', id: 'u-1' });
    expect(
      targetOf('createClient', { input: { tenantPath: '/a' } }, { client: { clientId: 'gen-1', tenantPath: '/a' }, clientSecret: 's' }),
    ).toEqual({ kind: 'client', id: 'gen-1' });
    expect(targetOf('createUser', { input: { username: 'ada' } }, null)).toEqual({ kind: 'user', id: 'ada' });
    expect(targetOf('createTenant', { input: { path: '/a/b' } }, { path: '/a/b', id: 't-1' })).toEqual({ kind: 'tenant', id: 't-1' });
    expect(targetOf('rotateSigningKey', { tenantPath: '/a' }, { kid: 'k' })).toEqual({ kind: 'tenant', id: '/a' });
    // A token is a secret: never a target.
    expect(targetOf('revokeToken', { token: 'eyJ.secret.token', tokenTypeHint: 'access_token' }, true)).toBeNull();
  });

  it('files an event under the target’s tenant, else the caller’s', () => {
    expect(tenantOf({ clientId: 'web' }, { clientId: 'web', tenantPath: '/a/b' }, '/a')).toBe('/a/b');
    expect(tenantOf({ input: { tenantPath: '/a/c' } }, { client: { tenantPath: '/a/c' } }, '/a')).toBe('/a/c');
    expect(tenantOf({ input: { path: '/a/new' } }, null, '/a')).toBe('/a/new');
    expect(tenantOf({ id: 'u-1' }, null, '/a')).toBe('/a');
  });
});
