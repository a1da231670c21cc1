import { createTestClient, createTestTenant } from '../fixtures/token-clients';
import { clientSdk, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { startTestServer, type TestServer } from '../support/test-server';
import type { AdminSdk } from '../../src/sdk/client';

/** GraphQL management of APIs: validation answers BAD_USER_INPUT naming the field, nothing is half-written, and the subtree rule holds. */
describe('GraphQL: APIs', () => {
  let t: TestServer;
  let sdk: AdminSdk;
  beforeAll(async () => {
    t = await startTestServer();
    sdk = await rootAdminSdk(t.url);
    await createTestTenant(t.server.app.domain, '/apis');
    await createTestTenant(t.server.app.domain, '/apis-sibling');
  });
  afterAll(async () => {
    await t.close();
  });

  const base = {
    tenantPath: '/apis',
    name: 'Payments',
    identifier: 'https://pay.example.test/v1',
    permissions: [{ name: 'pay:read', description: 'Read payments' }],
  };

  it('creates, lists (also as Tenant.apis), updates and deletes an API', async () => {
    const created = (await sdk.createApi({ input: { ...base, accessTokenLifetime: 300, isDefault: true } })).createApi;
    expect(created).toMatchObject({
      tenantPath: '/apis',
      identifier: base.identifier,
      accessTokenLifetime: 300,
      acceptsChildTenants: false,
      isDefault: true,
      permissions: [{ name: 'pay:read', description: 'Read payments' }],
    });
    expect((await sdk.apis({ tenantPath: '/apis' })).apis.map((a) => a.id)).toEqual([created.id]);
    const updated = (
      await sdk.updateApi({ id: created.id, input: { permissions: [{ name: 'pay:read' }, { name: 'pay:refund' }], isDefault: false } })
    ).updateApi;
    expect(updated.permissions.map((p) => p.name)).toEqual(['pay:read', 'pay:refund']);
    expect(updated.isDefault).toBe(false);
    const second = (await sdk.createApi({ input: { ...base, identifier: 'urn:example:ledger', isDefault: true } })).createApi;
    expect(second.isDefault).toBe(true);
    expect((await sdk.deleteApi({ id: second.id })).deleteApi.id).toBe(second.id);
    expect((await sdk.apis({ tenantPath: '/apis' })).apis.map((a) => a.identifier)).toEqual([base.identifier]);
  });

  it.each([
    ['a relative identifier', { identifier: '/payments' }, 'identifier'],
    ['an identifier with a fragment', { identifier: 'https://pay.example.test/#x' }, 'identifier'],
    ['an identifier that is not a URI', { identifier: 'payments api' }, 'identifier'],
    ['a permission name with a space', { permissions: [{ name: 'pay read' }] }, 'permissions[0].name'],
    // The schema-wide string guard refuses control characters first and names the leaf field.
    ['a permission name with a control character', { permissions: [{ name: 'pay\u0007' }] }, 'name'],
    ['a duplicate permission name', { permissions: [{ name: 'a' }, { name: 'a' }] }, 'permissions[1].name'],
    ['a lifetime of zero', { accessTokenLifetime: 0 }, 'accessTokenLifetime'],
    ['an empty name', { name: '  ' }, 'name'],
  ])('refuses %s with BAD_USER_INPUT naming the field, writing nothing', async (_what, change, field) => {
    const before = (await sdk.apis({ tenantPath: '/apis' })).apis.length;
    const error = await graphqlError(sdk.createApi({ input: { ...base, identifier: 'https://new.example.test', ...change } }));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect((await sdk.apis({ tenantPath: '/apis' })).apis).toHaveLength(before);
  });

  it('refuses a duplicate identifier within a tenant, but not in another tenant', async () => {
    const error = await graphqlError(sdk.createApi({ input: base }));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'identifier' });
    expect((await sdk.createApi({ input: { ...base, tenantPath: '/apis-sibling' } })).createApi.tenantPath).toBe('/apis-sibling');
  });

  it('answers an API outside the caller’s subtree as nonexistent, and needs scope admin', async () => {
    const sibling = await createTestClient(t.server.app.domain, '/apis-sibling', 'service', { allowedScopes: ['admin'] });
    const asSibling = await clientSdk(t.url, sibling.clientId, sibling.clientSecret!);
    const id = (await sdk.apis({ tenantPath: '/apis' })).apis[0]!.id;
    for (const call of [
      asSibling.api({ id }),
      asSibling.apis({ tenantPath: '/apis' }),
      asSibling.updateApi({ id, input: { name: 'x' } }),
      asSibling.deleteApi({ id }),
      asSibling.createApi({ input: base }),
    ]) {
      expect((await graphqlError(call)).extensions.code).toBe('NOT_FOUND');
    }
    const plain = await createTestClient(t.server.app.domain, '/apis', 'service', { allowedScopes: [] });
    const asPlain = await clientSdk(t.url, plain.clientId, plain.clientSecret!);
    expect((await graphqlError(asPlain.apis({ tenantPath: '/apis' }))).extensions.code).toBe('FORBIDDEN');
  });
});
