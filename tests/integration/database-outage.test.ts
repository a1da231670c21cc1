import { Client } from 'pg';
import { createTestUser } from '../fixtures/test-user';
import { clientHeaders, createTestClient, passwordTokens, serviceToken, type TestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { postForm } from '../support/oauth';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { waitUntil } from '../support/wait-until';
import { startTestServer, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, type TestServer } from '../support/test-server';
import { clientCredentialsToken } from '../support/oauth';

/**
 * Issue 9 item 5: with the database unreachable, every surface says so
 * (503 `temporarily_unavailable` with Retry-After, GraphQL
 * SERVICE_UNAVAILABLE), never `active: false`, `invalid_*` or UNAUTHENTICATED;
 * and it recovers once the database is back. The server reaches its database
 * through a TCP proxy that the test cuts (after terminating the server's
 * backends, which the server sees as 57P01 "admin shutdown"), so the
 * PostgreSQL shared by the run keeps serving every other test.
 */
describe('database outage', () => {
  let proxy: TcpProxy;
  let t: TestServer;
  let service: TestClient;
  let cold: TestClient;
  let userApp: TestClient;
  let access: string;
  let userAccess: string;
  let refresh: string;
  let user: { username: string; password: string };
  let adminToken: string;

  beforeAll(async () => {
    const adminUrl = new URL(process.env.IDP_TEST_ADMIN_URL!);
    proxy = await startTcpProxy(adminUrl.hostname, Number(adminUrl.port));
    t = await startTestServer({ connectVia: (url) => proxy.through(url) });
    const { domain } = t.server.app;
    service = await createTestClient(domain, '/');
    cold = await createTestClient(domain, '/');
    userApp = await createTestClient(domain, '/', 'user');
    user = await createTestUser(domain, '/');
    access = await serviceToken(t.url, service);
    const tokens = await passwordTokens(t.url, userApp, user.username, user.password, 'openid offline_access');
    userAccess = tokens.access_token;
    refresh = tokens.refresh_token!;
    adminToken = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
    await (await rootAdminSdk(t.url)).me(); // the admin path works before the outage
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.close();
  });

  const database = () => new URL(t.databaseUrl).pathname.slice(1);
  async function terminateBackends(): Promise<void> {
    const admin = new Client({ connectionString: process.env.IDP_TEST_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
        database(),
      ]);
    } finally {
      await admin.end();
    }
  }

  const expectUnavailable = (res: { status: number; headers: Headers; body: unknown }) => {
    expect({ status: res.status, body: res.body }).toEqual({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: expect.any(String) },
    });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('cache-control')).toBe('no-store');
  };
  const getJson = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}${path}`, { headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : {} };
  };
  const graphqlMe = async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query: '{ me { clientId } }' }),
    });
    return {
      status: res.status,
      body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] },
    };
  };

  it('answers every surface with "temporarily unavailable" while the database is gone, then recovers', async () => {
    await terminateBackends();
    await proxy.cut();

    expectUnavailable(await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, clientHeaders(cold)));
    expectUnavailable(
      await postForm(
        `${t.url}/token`,
        { grant_type: 'password', username: user.username, password: user.password, scope: 'openid' },
        clientHeaders(userApp),
      ),
    );
    expectUnavailable(await postForm(`${t.url}/token`, { grant_type: 'refresh_token', refresh_token: refresh }, clientHeaders(userApp)));
    expectUnavailable(await postForm(`${t.url}/introspect`, { token: access }, clientHeaders(service)));
    expectUnavailable(await postForm(`${t.url}/introspect`, { token: refresh }, clientHeaders(userApp)));
    expectUnavailable(await getJson('/userinfo', { authorization: `Bearer ${userAccess}` }));
    expectUnavailable(await postForm(`${t.url}/revoke`, { token: access }, clientHeaders(service)));
    expectUnavailable(await getJson('/.well-known/jwks.json'));

    const me = await graphqlMe();
    expect(me.body.errors?.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(me.body.errors?.[0]?.message).not.toMatch(/ECONNREFUSED|terminat|select|pg_/i);
    expect((await getJson('/readyz')).status).toBe(503);

    await proxy.restore();

    // Recovery: the same requests succeed, with the same tokens (nothing was revoked by the outage).
    const introspected = await postForm(`${t.url}/introspect`, { token: access }, clientHeaders(service));
    expect(introspected.status).toBe(200);
    expect(introspected.body).toMatchObject({ active: true, client_id: service.clientId });
    expect((await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, clientHeaders(cold))).status).toBe(200);
    const refreshed = await postForm(`${t.url}/token`, { grant_type: 'refresh_token', refresh_token: refresh }, clientHeaders(userApp));
    expect(refreshed.status).toBe(200);
    expect((await getJson('/userinfo', { authorization: `Bearer ${userAccess}` })).status).toBe(200);
    expect((await getJson('/.well-known/jwks.json')).status).toBe(200);
    expect((await graphqlMe()).body).toEqual({ data: { me: { clientId: ADMIN_CLIENT_ID } } });
    await waitUntil(async () => (await getJson('/readyz')).status === 200);
    expect((await getJson('/readyz')).body).toEqual({ status: 'ready', changeBus: 'connected' });
  });
});
