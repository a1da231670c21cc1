import { createAdminSdk, type AdminSdk } from '../../src/sdk/client';
import { deviceWorld, type DeviceWorld } from '../fixtures/device-setup';
import { createTestUser } from '../fixtures/test-user';
import { createTestClient, passwordTokens } from '../fixtures/token-clients';
import { clientSdk, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { startTestServer, type TestServer } from '../support/test-server';

const USERS = 12;

/** The console's dashboard document: a tenant with its clients and users and each user's device count, in a constant number of queries. */
describe('GraphQL tenant dashboard', () => {
  let t: TestServer;
  let root: AdminSdk;
  let dash: AdminSdk;
  let world: DeviceWorld;
  const devicesOf = new Map<string, number>();

  /** `db_queries_total{route="/graphql"}` from GET /metrics: the counter the bench's queries-per-request column reads. */
  const graphqlQueries = async (): Promise<number> => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('db_queries_total{route="/graphql"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  /** Database queries made by one dashboard request of page size `first` (the lower of two runs, so a cache entry expiring mid-test cannot add one). */
  const queriesPerDashboard = async (first: number): Promise<number> => {
    const counts: number[] = [];
    for (let run = 0; run < 2; run++) {
      const before = await graphqlQueries();
      await dash.tenantDashboard({ path: '/dash', first });
      counts.push((await graphqlQueries()) - before);
    }
    return Math.min(...counts);
  };

  beforeAll(async () => {
    t = await startTestServer();
    const domain = t.server.app.domain;
    root = await rootAdminSdk(t.url);
    world = await deviceWorld(domain, '/dash');
    await root.createTenant({ input: { path: '/elsewhere' } });
    const admin = (await root.createClient({ input: { tenantPath: '/dash', name: 'Dash admin', allowedScopes: ['admin'] } })).createClient;
    dash = await clientSdk(t.url, admin.client.clientId, admin.clientSecret!);
    for (let i = 0; i < 8; i++) await createTestClient(domain, '/dash');
    const users = [{ id: world.userId, username: world.username, password: world.password }];
    for (let i = users.length; i < USERS; i++) {
      const { user, username, password } = await createTestUser(domain, '/dash');
      users.push({ id: user.id, username, password });
    }
    // Users 0, 1 and 2 get 2, 1 and 3 devices (one of user 0's revoked); the others none.
    for (const [index, count] of [2, 1, 3].entries()) {
      const user = users[index]!;
      const tokens = await passwordTokens(t.url, world.app, user.username, user.password, 'openid');
      const own = createAdminSdk(t.url, tokens.access_token);
      for (let d = 0; d < count; d++) {
        const { createDevice } = await own.createDevice({ name: `device ${d}`, password: user.password });
        if (index === 0 && d === 0) await dash.revokeDevice({ id: createDevice.DeviceId });
      }
      devicesOf.set(user.id, count);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('returns the tenant, its clients and its users with each user’s device count (revoked devices included)', async () => {
    const { tenant } = await dash.tenantDashboard({ path: '/dash', first: 50 });
    expect(tenant.path).toBe('/dash');
    expect(tenant.clients.totalCount).toBe(11);
    expect(tenant.clients.nodes).toHaveLength(11);
    expect(tenant.clients.nodes.every((c) => c.tenantPath === '/dash')).toBe(true);
    expect(tenant.users.totalCount).toBe(USERS);
    expect(tenant.users.nodes.map((u) => [u.id, u.deviceCount])).toEqual(tenant.users.nodes.map((u) => [u.id, devicesOf.get(u.id) ?? 0]));
    for (const user of tenant.users.nodes.slice(0, 3)) {
      expect(user.deviceCount).toBe((await dash.devices({ userId: user.id })).devices.totalCount);
    }
  });

  it('pages and searches the nested lists like the top-level ones', async () => {
    const { tenant } = await dash.tenantDashboard({ path: '/dash', first: 2, search: world.username });
    expect(tenant.users).toMatchObject({ totalCount: 1, nodes: [{ id: world.userId, deviceCount: 2 }], pageInfo: { hasNextPage: false } });
    expect(tenant.clients.totalCount).toBe(0);
    const firstPage = (await dash.tenantDashboard({ path: '/dash', first: 5 })).tenant;
    expect(firstPage.users.nodes).toHaveLength(5);
    expect(firstPage.users.pageInfo.hasNextPage).toBe(true);
  });

  it('makes the same number of database queries whatever the page size (no N+1)', async () => {
    await dash.tenantDashboard({ path: '/dash', first: 50 }); // warm the caches (tenant, bearer state)
    const small = await queriesPerDashboard(1);
    const large = await queriesPerDashboard(50);
    expect(large).toBe(small);
    // tenant, clients page and count, users page and count, device counts: never one per row.
    expect(large).toBeLessThanOrEqual(6);
    expect(large).toBeLessThan(USERS);
  });

  it('refuses a tenant outside the caller’s subtree, nested lists included', async () => {
    expect((await graphqlError(dash.tenantDashboard({ path: '/elsewhere', first: 5 }))).extensions.code).toBe('NOT_FOUND');
    expect((await graphqlError(dash.tenantDashboard({ path: '/', first: 5 }))).extensions.code).toBe('NOT_FOUND');
    const { tenant } = await root.tenantDashboard({ path: '/elsewhere', first: 5 });
    expect(tenant).toMatchObject({ clients: { totalCount: 0 }, users: { totalCount: 0 } });
  });
});
