import { randomBytes } from 'node:crypto';
import { createTestClient, serviceToken, clientHeaders, passwordTokens, type TestClient } from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';
import { rootAdminActor } from '../fixtures/admin-actor';
import { postForm } from '../support/oauth';
import { waitUntil } from '../support/wait-until';
import { startTestServer, type TestServer } from '../support/test-server';
import { cutChangeBus } from '../support/server-pair';

/**
 * Issue 10 item 4: every process holds the revocation state in memory. Two
 * servers on one database: a token revoked through one is inactive at the
 * other, without the other asking the database for a warm valid token, and
 * never answered active while the other's change bus is down.
 */
describe('in-memory revocation state across two servers', () => {
  let first: TestServer;
  let second: TestServer;
  let rs: TestClient;
  let app: TestClient;

  beforeAll(async () => {
    // One deployment: one server secret and one issuer behind a load balancer.
    const env = { SECRET_KEY: randomBytes(32).toString('base64'), ISSUER: 'https://idp.example.test' };
    first = await startTestServer({ env });
    second = await startTestServer({ env, databaseUrl: first.databaseUrl });
    rs = await createTestClient(first.server.app.domain, '/');
    app = await createTestClient(first.server.app.domain, '/');
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  const introspect = async (server: TestServer, token: string) =>
    (await postForm<{ active: boolean }>(`${server.url}/introspect`, { token }, clientHeaders(rs))).body.active;
  const revoke = async (server: TestServer, token: string) => {
    expect((await postForm(`${server.url}/revoke`, { token }, clientHeaders(app))).status).toBe(200);
  };
  const introspectionQueries = async (server: TestServer): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return [...text.matchAll(/^db_queries_total\{route="[^"]*introspect[^"]*"\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  };

  it('introspects a warm valid token without a database query', async () => {
    const token = await serviceToken(first.url, app);
    expect(await introspect(second, token)).toBe(true); // warms the client and key caches
    const before = await introspectionQueries(second);
    for (let i = 0; i < 5; i++) expect(await introspect(second, token)).toBe(true);
    expect(await introspectionQueries(second)).toBe(before);
  });

  it('a user token: served from the cached user row, inactive at the other server once the user is disabled', async () => {
    const userApp = await createTestClient(first.server.app.domain, '/', 'user');
    const { user, username, password } = await createTestUser(first.server.app.domain);
    const { access_token: token } = await passwordTokens(first.url, userApp, username, password, 'openid profile');
    const userinfo = async (server: TestServer) =>
      (await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await introspect(second, token)).toBe(true);
    expect(await userinfo(second)).toBe(200);
    const before = await introspectionQueries(second);
    expect(await introspect(second, token)).toBe(true);
    expect(await introspectionQueries(second)).toBe(before);
    await first.server.app.domain.users.update(await rootAdminActor(first.server.app.domain), user.id, { enabled: false });
    await waitUntil(async () => !(await introspect(second, token)), 20_000, 10);
    expect(await userinfo(second)).toBe(401);
  });

  it('a token revoked through one server is inactive at the other', async () => {
    const token = await serviceToken(first.url, app);
    expect(await introspect(second, token)).toBe(true);
    const start = Date.now();
    await revoke(first, token);
    await waitUntil(async () => !(await introspect(second, token)), 20_000, 10);
    console.log(`revocation visible on the other server after ${Date.now() - start} ms`);
    expect(await introspect(first, token)).toBe(false);
  });

  it('never answers active for a token revoked while its change bus is down', async () => {
    const token = await serviceToken(first.url, app);
    expect(await introspect(second, token)).toBe(true);
    const bus = second.server.changeBus;
    await cutChangeBus(second);
    await revoke(first, token); // a notification the second server cannot hear
    expect(bus.state).not.toBe('connected');
    expect(await introspect(second, token)).toBe(false); // from the database
    await waitUntil(() => bus.state === 'connected');
    await waitUntil(() => second.server.app.domain.revocationCheck.sync.current);
    // Resynced: the state knows the revocation it missed; once the flushed client caches are warm again, with no database query.
    expect(await introspect(second, token)).toBe(false);
    const before = await introspectionQueries(second);
    expect(await introspect(second, token)).toBe(false);
    expect(await introspectionQueries(second)).toBe(before);
  });
});
