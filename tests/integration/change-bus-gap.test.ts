import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTestClient, type TestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { basic, postForm } from '../support/oauth';
import { waitUntil } from '../support/wait-until';
import { startTestServer, type TestServer } from '../support/test-server';
import { CHANGE_BUS_APPLICATION_NAME } from '../../src/db/pg-change-bus';
import { rootAdminActor } from '../fixtures/admin-actor';
import type { AdminSdk } from '../../src/sdk/client';

/**
 * Issue 9 item 4: two servers on one database. The first one's LISTEN
 * connection is killed (pg_terminate_backend); during the gap the second one
 * disables a client and rotates another's secret, notifications the first
 * one cannot hear. Once its bus is back, the first server enforces both
 * changes, and its admin mutations work throughout (publishing does not use
 * the listening connection).
 */
describe('change bus across a dropped LISTEN connection', () => {
  let first: TestServer;
  let second: TestServer;
  let admin: AdminSdk;
  let disabled: TestClient;
  let rotated: TestClient;
  let untouched: TestClient;

  beforeAll(async () => {
    const env = { SECRET_KEY: randomBytes(32).toString('base64') }; // one deployment: one server secret
    first = await startTestServer({ env });
    second = await startTestServer({ env, databaseUrl: first.databaseUrl });
    const { domain } = first.server.app;
    disabled = await createTestClient(domain, '/');
    rotated = await createTestClient(domain, '/');
    untouched = await createTestClient(domain, '/');
    admin = await rootAdminSdk(first.url);
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  const clientCredentials = (server: TestServer, clientId: string, secret: string) =>
    postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret) });
  it('flushes its caches on reconnect, so changes made during the gap are enforced', async () => {
    // Warm the first server's caches for every client.
    for (const client of [disabled, rotated, untouched]) {
      expect((await clientCredentials(first, client.clientId, client.clientSecret!)).status).toBe(200);
    }
    const bus = first.server.changeBus;
    const pid = bus.backendPid;
    expect(bus.state).toBe('connected');

    const pg = new Client({ connectionString: first.databaseUrl });
    await pg.connect();
    try {
      const killed = await pg.query(
        'select pg_terminate_backend(pid) as ok from pg_stat_activity where pid = $1 and application_name = $2',
        [pid, CHANGE_BUS_APPLICATION_NAME],
      );
      expect(killed.rows).toEqual([{ ok: true }]);
    } finally {
      await pg.end();
    }
    await waitUntil(() => bus.state !== 'connected');

    // The gap: the second server changes two clients; the first cannot hear it.
    const actor = await rootAdminActor(second.server.app.domain);
    await second.server.app.domain.clients.update(actor, disabled.clientId, { enabled: false });
    const { clientSecret: newSecret } = await second.server.app.domain.clients.rotateSecret(actor, rotated.clientId);
    expect(bus.state).not.toBe('connected'); // the notifications above were really missed
    // Admin mutations on the first server keep working while its bus is down (or already reconnecting:
    // creating a tenant generates its signing key first, which may outlast the first reconnect delay).
    await admin.createTenant({ input: { path: '/during-gap' } });

    await waitUntil(() => bus.state === 'connected');
    expect(bus.backendPid).not.toBe(pid);

    expect(await clientCredentials(first, disabled.clientId, disabled.clientSecret!)).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(await clientCredentials(first, rotated.clientId, rotated.clientSecret!)).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect((await clientCredentials(first, rotated.clientId, newSecret!)).status).toBe(200);
    expect((await clientCredentials(first, untouched.clientId, untouched.clientSecret!)).status).toBe(200);

    // Listening again: a change on the second server reaches the first's warm cache.
    await second.server.app.domain.clients.update(actor, untouched.clientId, { enabled: false });
    await waitUntil(async () => (await clientCredentials(first, untouched.clientId, untouched.clientSecret!)).status === 401);
    await admin.createTenant({ input: { path: '/after-gap' } });
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  });
});
