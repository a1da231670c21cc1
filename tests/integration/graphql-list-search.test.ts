import type { AdminSdk } from '../../src/sdk/client';
import { clientSdk, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { startTestServer, type TestServer } from '../support/test-server';

/** The `search` argument of `clients`, `users` and `tenants`: substring, case-insensitive, literal wildcards, within the subtree. */
describe('GraphQL list search', () => {
  let t: TestServer;
  let root: AdminSdk;
  let shop: AdminSdk;

  beforeAll(async () => {
    t = await startTestServer();
    root = await rootAdminSdk(t.url);
    for (const path of ['/shop', '/shop/a_b', '/shop/axb', '/shop/sales', '/shopx', '/other']) {
      await root.createTenant({ input: { path, name: path === '/shop/sales' ? 'Sales 100% Team' : undefined } });
    }
    const admin = (
      await root.createClient({ input: { tenantPath: '/shop', clientId: 'shop-admin', name: 'Shop admin', allowedScopes: ['admin'] } })
    ).createClient;
    shop = await clientSdk(t.url, admin.client.clientId, admin.clientSecret!);
    for (const [clientId, name] of [
      ['billing-api', 'Billing API'],
      ['web_app', 'Storefront 100% web'],
      ['webxapp', 'Storefront 100 web'],
      ['reports', 'Reports for billing'],
    ]) {
      await shop.createClient({ input: { tenantPath: '/shop', clientId, name } });
    }
    // Same names in a sibling tenant: a search never reaches them.
    await root.createClient({ input: { tenantPath: '/other', clientId: 'other-billing', name: 'Billing API' } });
    await root.createClient({ input: { tenantPath: '/shopx', clientId: 'shopx-web_app', name: 'Storefront 100% web' } });

    const users: [string, { email?: string; firstname?: string; lastname?: string }][] = [
      ['alice', { email: 'alice@shop.example', firstname: 'Alice', lastname: 'Smith' }],
      ['bob_s', { email: 'bob@shop.example', firstname: 'Robert' }],
      ['bobxs', { lastname: 'SMITHERS' }],
      ['carol', { email: 'carol@elsewhere.example' }],
    ];
    for (const [username, profile] of users) {
      await shop.createUser({ input: { tenantPath: '/shop', username, password: 'search-test-password', ...profile } });
    }
    await root.createUser({ input: { tenantPath: '/other', username: 'alice', password: 'search-test-password', lastname: 'Smith' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('matches clients by client id or name, case-insensitively, counting only the matches', async () => {
    const { clients } = await shop.clients({ search: 'BILLING' });
    expect(clients.nodes.map((c) => c.clientId)).toEqual(['billing-api', 'reports']);
    expect(clients.totalCount).toBe(2);
    expect((await shop.clients({ search: 'shop-ADM' })).clients.nodes.map((c) => c.clientId)).toEqual(['shop-admin']);
    expect((await shop.clients({})).clients.totalCount).toBe(5);
  });

  it('treats %, _ and \\ in a search as literal characters', async () => {
    expect((await shop.clients({ search: '100%' })).clients.nodes.map((c) => c.clientId)).toEqual(['web_app']);
    expect((await shop.clients({ search: 'web_' })).clients.nodes.map((c) => c.clientId)).toEqual(['web_app']);
    expect((await shop.clients({ search: '%' })).clients.totalCount).toBe(1);
    expect((await shop.clients({ search: '\\' })).clients).toMatchObject({ nodes: [], totalCount: 0 });
    expect((await shop.users({ search: 'b_s' })).users.nodes.map((u) => u.username)).toEqual(['bob_s']);
    expect((await shop.tenants({ search: 'a_b' })).tenants.nodes.map((x) => x.path)).toEqual(['/shop/a_b']);
    expect((await shop.tenants({ search: '100%' })).tenants.nodes.map((x) => x.path)).toEqual(['/shop/sales']);
  });

  it('matches users by username, email, first name or last name', async () => {
    const names = async (search: string) => (await shop.users({ search })).users.nodes.map((u) => u.username);
    expect(await names('smith')).toEqual(['alice', 'bobxs']);
    expect(await names('ROBERT')).toEqual(['bob_s']);
    expect(await names('@shop.example')).toEqual(['alice', 'bob_s']);
    expect(await names('car')).toEqual(['carol']);
    expect(await names('nobody')).toEqual([]);
  });

  it('pages through the matches with the same totalCount on every page', async () => {
    // 'O' is in shop.example, bob_s, bobxs and carol; the other tenant's alice has none.
    const first = (await shop.users({ search: 'O', first: 3 })).users;
    expect(first.totalCount).toBe(4);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await shop.users({ search: 'O', first: 3, after: first.pageInfo.endCursor })).users;
    expect(second.totalCount).toBe(4);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.nodes, ...second.nodes].map((u) => u.username)).toEqual(['alice', 'bob_s', 'bobxs', 'carol']);
  });

  it('never returns rows outside the caller’s subtree', async () => {
    const tenants = (await shop.tenants({ search: 'shop' })).tenants;
    expect(tenants.nodes.map((x) => x.path)).toEqual(['/shop', '/shop/a_b', '/shop/axb', '/shop/sales']);
    expect(tenants.totalCount).toBe(4);
    expect((await shop.tenants({ search: 'other' })).tenants).toMatchObject({ nodes: [], totalCount: 0 });
    expect((await shop.clients({ search: 'other' })).clients.totalCount).toBe(0);
    expect((await shop.users({ search: 'smith' })).users.nodes.every((u) => u.tenantPath === '/shop')).toBe(true);
    // The root admin sees the sibling's rows only when it names that tenant.
    expect((await root.clients({ tenantPath: '/other', search: 'billing' })).clients.nodes.map((c) => c.clientId)).toEqual([
      'other-billing',
    ]);
    expect((await graphqlError(shop.clients({ tenantPath: '/other', search: 'billing' }))).extensions.code).toBe('NOT_FOUND');
  });

  it('ignores a blank search and refuses an over-long or control-character one', async () => {
    expect((await shop.clients({ search: '   ' })).clients.totalCount).toBe(5);
    const long = await graphqlError(shop.users({ search: 'x'.repeat(201) }));
    expect(long.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'search' });
    expect((await graphqlError(shop.tenants({ search: 'a\u0000b' }))).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'search' });
  });
});
