import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { CHANGE_BUS_APPLICATION_NAME } from '../../src/db/pg-change-bus';
import type { AdminSdk } from '../../src/sdk/client';
import { rootAdminSdk } from '../support/admin-sdk';
import { waitUntil } from '../support/wait-until';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * `clients` and `tenants` pages are cached per process like single clients: a change
 * made through another process reaches a warm page over the change bus, a change made
 * through this process is seen at once, and while the bus is down pages are not served
 * from the cache at all.
 */
describe('cached list pages across two processes', () => {
  let first: TestServer;
  let second: TestServer;
  let one: AdminSdk;
  let two: AdminSdk;

  const clientIds = async (sdk: AdminSdk) =>
    (await sdk.clients({ tenantPath: '/cached', first: 50 })).clients.nodes.map((c) => `${c.clientId}:${c.name}`);
  const tenantPaths = async (sdk: AdminSdk) => (await sdk.tenants({ first: 50, search: 'cached' })).tenants.nodes.map((t) => t.path);

  beforeAll(async () => {
    const env = { SECRET_KEY: randomBytes(32).toString('base64') };
    first = await startTestServer({ env });
    second = await startTestServer({ env, databaseUrl: first.databaseUrl });
    one = await rootAdminSdk(first.url);
    two = await rootAdminSdk(second.url);
    await one.createTenant({ input: { path: '/cached' } });
    await one.createClient({ input: { tenantPath: '/cached', clientId: 'cached-a', name: 'A' } });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('sees a change made through the other process once the bus delivers it', async () => {
    expect(await clientIds(one)).toEqual(['cached-a:A']); // warm
    await two.createClient({ input: { tenantPath: '/cached', clientId: 'cached-b', name: 'B' } });
    await waitUntil(async () => (await clientIds(one)).length === 2);
    await two.updateClient({ clientId: 'cached-a', input: { name: 'A renamed' } });
    await waitUntil(async () => (await clientIds(one)).includes('cached-a:A renamed'));
    expect(await clientIds(one)).toEqual(['cached-a:A renamed', 'cached-b:B']);

    expect(await tenantPaths(one)).toEqual(['/cached']);
    await two.createTenant({ input: { path: '/cached/child' } });
    await waitUntil(async () => (await tenantPaths(one)).length === 2);
    await two.deleteTenant({ path: '/cached/child' });
    await waitUntil(async () => (await tenantPaths(one)).length === 1);
  });

  it('sees its own change at once', async () => {
    expect(await clientIds(one)).toHaveLength(2);
    await one.deleteClient({ clientId: 'cached-b' });
    expect(await clientIds(one)).toEqual(['cached-a:A renamed']);
    await one.createTenant({ input: { path: '/cached/own' } });
    expect(await tenantPaths(one)).toEqual(['/cached', '/cached/own']);
  });

  it('reads the database while its bus is down, so a change it cannot hear is still listed', async () => {
    expect(await clientIds(one)).toEqual(['cached-a:A renamed']); // warm
    const bus = first.server.changeBus;
    const pg = new Client({ connectionString: first.databaseUrl });
    await pg.connect();
    try {
      await pg.query('select pg_terminate_backend(pid) from pg_stat_activity where pid = $1 and application_name = $2', [
        bus.backendPid,
        CHANGE_BUS_APPLICATION_NAME,
      ]);
    } finally {
      await pg.end();
    }
    await waitUntil(() => bus.state !== 'connected');
    await two.createClient({ input: { tenantPath: '/cached', clientId: 'cached-gap', name: 'during the gap' } });
    if (bus.state !== 'connected') {
      expect(await clientIds(one)).toEqual(['cached-a:A renamed', 'cached-gap:during the gap']);
    }
    await waitUntil(() => bus.state === 'connected');
    expect(await clientIds(one)).toEqual(['cached-a:A renamed', 'cached-gap:during the gap']);
  });
});
