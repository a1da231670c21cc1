import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres';
import { createTestClient, serviceToken, type TestClient } from '../fixtures/token-clients';
import { basic, clientCredentialsToken, postForm } from '../support/oauth';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/**
 * Issue 12, faults: a real PostgreSQL of this test's own is stopped under a
 * running server and started again (on a new port, which the proxy in front
 * of it follows). While it is down every answer says so (503 with
 * Retry-After, SERVICE_UNAVAILABLE, /readyz 503) and no write is reported
 * done; afterwards the server recovers by itself and nothing was lost.
 */
describe('a real PostgreSQL stopped and restarted under the server', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idp-test-restart-'));
  const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
  let db: EmbeddedDatabase;
  let proxy: TcpProxy;
  let t: TestServer;
  let service: TestClient;
  let revokedBefore: string;

  const start = () =>
    startEmbeddedPostgres(path.join(dir, 'data'), 'idp', () => {}, { runtimeDir: process.env.IDP_TEST_RUNTIME_DIR || dir, settings });
  const active = async (token: string) =>
    (await postForm(`${t.url}/introspect`, { token }, { authorization: basic(service.clientId, service.clientSecret!) })).body.active;

  beforeAll(async () => {
    chmodSync(dir, 0o755); // as root, the postgres user must enter it (as in the test harness)
    db = await start();
    const url = new URL(db.url);
    proxy = await startTcpProxy(url.hostname, Number(url.port));
    t = await startTestServer({ databaseUrl: db.url, connectVia: (u) => proxy.through(u) });
    service = await createTestClient(t.server.app.domain, '/');
    revokedBefore = await serviceToken(t.url, service);
    expect(
      (await postForm(`${t.url}/revoke`, { token: revokedBefore }, { authorization: basic(service.clientId, service.clientSecret!) }))
        .status,
    ).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while it is down and recovers by itself once it is back, losing nothing', async () => {
    const live = await serviceToken(t.url, service);
    const adminToken = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
    await db.stop();

    await waitUntil(async () => (await fetch(`${t.url}/readyz`)).status === 503);
    const revoke = await postForm(`${t.url}/revoke`, { token: live }, { authorization: basic(service.clientId, service.clientSecret!) });
    expect(revoke.status).toBe(503);
    expect(revoke.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(revoke.headers.get('retry-after')).toEqual(expect.stringMatching(/^\d+$/));
    const introspection = await postForm(
      `${t.url}/introspect`,
      { token: live },
      { authorization: basic(service.clientId, service.clientSecret!) },
    );
    expect(introspection.status).toBe(503);
    const graphql = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query: 'mutation { createTenant(input: { path: "/during-outage" }) { id } }' }),
    });
    const body = (await graphql.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');

    db = await start();
    proxy.retarget(Number(new URL(db.url).port));
    await waitUntil(async () => (await fetch(`${t.url}/readyz`)).status === 200, 60_000);

    // Nothing the outage answered 503 for happened; nothing done before it was lost.
    expect(await active(live)).toBe(true);
    expect(await active(revokedBefore)).toBe(false);
    expect(
      (await postForm(`${t.url}/revoke`, { token: live }, { authorization: basic(service.clientId, service.clientSecret!) })).status,
    ).toBe(200);
    expect(await active(live)).toBe(false);
    // The tenant refused during the outage was not created: creating it now succeeds (no CONFLICT).
    const after = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET)}`,
      },
      body: JSON.stringify({ query: 'mutation { createTenant(input: { path: "/during-outage" }) { path } }' }),
    });
    expect(await after.json()).toEqual({ data: { createTenant: { path: '/during-outage' } } });
  }, 120_000);
});
