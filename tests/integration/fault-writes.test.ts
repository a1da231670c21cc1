import { Client } from 'pg';
import { Database } from '../../src/data/database';
import type { AdminSdk } from '../../src/sdk/client';
import { createTestClient, clientHeaders, serviceToken, type TestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { basic, postForm } from '../support/oauth';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/**
 * Issue 12 item 1: never a success answer for a write that did not happen
 * (a revocation during an outage), never an error answer for a write that did
 * (a created client whose change could not be published), and /readyz honest
 * about the change bus.
 */
describe('faults around writes', () => {
  let proxy: TcpProxy;
  let t: TestServer;
  let root: AdminSdk;
  let service: TestClient;

  beforeAll(async () => {
    const adminUrl = new URL(process.env.IDP_TEST_ADMIN_URL!);
    proxy = await startTcpProxy(adminUrl.hostname, Number(adminUrl.port));
    t = await startTestServer({ connectVia: (url) => proxy.through(url) });
    root = await rootAdminSdk(t.url);
    service = await createTestClient(t.server.app.domain, '/');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await proxy.restore();
    await t.close();
    await proxy.close();
  });

  const introspect = (token: string) => postForm(`${t.url}/introspect`, { token }, clientHeaders(service));

  it('a /revoke during a database outage answers 503, the token stays active, and revoking after recovery works', async () => {
    const token = await serviceToken(t.url, service);
    const admin = new Client({ connectionString: process.env.IDP_TEST_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
        new URL(t.databaseUrl).pathname.slice(1),
      ]);
    } finally {
      await admin.end();
    }
    await proxy.cut();
    const during = await postForm(`${t.url}/revoke`, { token }, clientHeaders(service));
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    await proxy.restore();

    // Nothing was written: the token is still active, so the client knows it must retry.
    await waitUntil(async () => (await introspect(token)).status === 200);
    expect((await introspect(token)).body).toMatchObject({ active: true });
    expect((await postForm(`${t.url}/revoke`, { token }, clientHeaders(service))).status).toBe(200);
    expect((await introspect(token)).body).toEqual({ active: false });
    await waitUntil(async () => (await fetch(`${t.url}/readyz`)).status === 200);
  });

  it('createClient and rotateClientSecret answer the secret even when the change cannot be published, and the secret works', async () => {
    const notify = jest
      .spyOn(Database.prototype, 'notify')
      .mockRejectedValue(Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' }));
    try {
      const created = await root.createClient({ input: { tenantPath: '/', name: 'published or not' } });
      const { clientId } = created.createClient.client;
      const secret = created.createClient.clientSecret!;
      expect(secret).toEqual(expect.any(String));
      expect(notify).toHaveBeenCalled();
      const rotated = await root.rotateClientSecret({ clientId });
      const newSecret = rotated.rotateClientSecret.clientSecret!;
      expect(newSecret).not.toBe(secret);
      notify.mockRestore();
      const token = await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic(clientId, newSecret) });
      expect(token.status).toBe(200);
      expect(
        (await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret) })).status,
      ).toBe(401);
    } finally {
      notify.mockRestore();
    }
  });

  it('/readyz answers 503 naming the change bus while it is not listening', async () => {
    await waitUntil(async () => (await fetch(`${t.url}/readyz`)).status === 200);
    const bus = t.server.changeBus;
    await bus.close();
    const res = await fetch(`${t.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', reason: 'change bus not listening', changeBus: 'closed' });
  });
});
