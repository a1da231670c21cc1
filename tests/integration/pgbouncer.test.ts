import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { CHANGE_BUS_APPLICATION_NAME } from '../../src/db/pg-change-bus';
import { REFRESH_STATEMENTS } from '../../src/data/refresh-token.repository';
import { rootAdminActor } from '../fixtures/admin-actor';
import { createTestUser } from '../fixtures/test-user';
import { clientHeaders, createTestClient, createTestTenant, passwordTokens, type TestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { postForm } from '../support/oauth';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer.cjs';
import { createTestDatabase, startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/**
 * Issue 24 item 4: `DATABASE_URL` on Debian's PgBouncer (1.18) in transaction pooling mode, with
 * `DATABASE_DIRECT_URL` for the change bus's LISTEN and migrations. Two servers, as two nodes of one
 * deployment, share the proxy. PgBouncer 1.18 hands each transaction whichever server connection
 * is free, so a named prepared statement or session state would break under concurrent load.
 */
describe('behind PgBouncer in transaction pooling mode', () => {
  let bouncer: PgBouncer;
  let directUrl: string;
  let first: TestServer;
  let second: TestServer;
  let client: TestClient;
  let service: TestClient;
  let alice: Awaited<ReturnType<typeof createTestUser>>;

  beforeAll(async () => {
    directUrl = await createTestDatabase();
    bouncer = await startPgBouncer(directUrl);
    const env = {
      SECRET_KEY: randomBytes(32).toString('base64'),
      ISSUER: 'https://idp.example.test',
      DATABASE_URL: bouncer.url,
      DATABASE_DIRECT_URL: directUrl,
    };
    // `connectVia`: the server's pooled traffic goes to PgBouncer; the direct URL stays in the env.
    first = await startTestServer({ env, databaseUrl: directUrl, connectVia: () => bouncer.url });
    second = await startTestServer({ env, databaseUrl: directUrl, connectVia: () => bouncer.url });
    const domain = first.server.app.domain;
    await createTestTenant(domain, '/bouncer');
    client = await createTestClient(domain, '/bouncer', 'user');
    service = await createTestClient(domain, '/bouncer', 'service');
    alice = await createTestUser(domain, '/bouncer');
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await bouncer?.stop();
  });

  const introspect = (base: string, token: string) =>
    postForm<{ active: boolean }>(`${base}/introspect`, { token }, clientHeaders(service));

  it('listens on the direct connection and sends everything else through the proxy', async () => {
    const pg = new Client({ connectionString: directUrl });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ application_name: string; query: string }>(
        'select application_name, query from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      // Both servers' buses LISTEN on their own direct connections; PgBouncer's server connections never LISTEN.
      const listeners = rows.filter((row) => row.application_name === CHANGE_BUS_APPLICATION_NAME);
      expect(listeners).toHaveLength(2);
      expect(first.server.changeBus.state).toBe('connected');
    } finally {
      await pg.end();
    }
  });

  it('serves concurrent grants, refresh rotation, introspection and userinfo on both nodes without a prepared-statement error', async () => {
    const issued = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        passwordTokens(i % 2 ? first.url : second.url, client, alice.username, alice.password, 'openid profile offline_access'),
      ),
    );
    // Introspection and userinfo run on prepared queries: unnamed behind the proxy, 200 of them at once across both nodes.
    const answers = await Promise.all(
      issued.flatMap((tokens, i) =>
        Array.from({ length: 10 }, (_, j) => introspect((i + j) % 2 ? first.url : second.url, tokens.access_token)),
      ),
    );
    expect(answers.map((answer) => [answer.status, answer.body.active])).toEqual(answers.map(() => [200, true]));
    const userinfo = await Promise.all(
      issued.map((tokens, i) =>
        fetch(`${i % 2 ? first.url : second.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      ),
    );
    expect(userinfo.map((res) => res.status)).toEqual(issued.map(() => 200));

    // Rotation on one node; the spent token presented on the other revokes the family (reuse detection).
    const rotated = await postForm<{ refresh_token: string; access_token: string }>(
      `${first.url}/token`,
      { grant_type: 'refresh_token', refresh_token: issued[0]!.refresh_token! },
      clientHeaders(client),
    );
    expect(rotated.status).toBe(200);
    const reused = await postForm<{ error: string }>(
      `${second.url}/token`,
      { grant_type: 'refresh_token', refresh_token: issued[0]!.refresh_token! },
      clientHeaders(client),
    );
    expect(reused.body.error).toBe('invalid_grant');
    const successor = await postForm<{ error: string }>(
      `${first.url}/token`,
      { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token },
      clientHeaders(client),
    );
    expect(successor.body.error).toBe('invalid_grant');
  });

  it('runs the refresh statements as their server-side functions behind the proxy, not re-planned SQL', async () => {
    const pg = new Client({ connectionString: directUrl });
    await pg.connect();
    try {
      // Each function's body is its statement's text (a change to one without the other fails here).
      const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
      for (const statement of REFRESH_STATEMENTS) {
        const { rows } = await pg.query<{ prosrc: string }>('select prosrc from pg_proc where proname = $1', [statement.name]);
        expect(rows.map((row) => squash(row.prosrc))).toEqual([expect.stringContaining(`return query ${statement.text};`)]);
      }
      // The proxy-mode pool (in this process) sends the calls of the functions, never the statements' SQL.
      const refresh = (token: string) =>
        postForm<{ refresh_token: string }>(
          `${first.url}/token`,
          { grant_type: 'refresh_token', refresh_token: token },
          clientHeaders(client),
        );
      const tokens = await passwordTokens(first.url, client, alice.username, alice.password, 'offline_access');
      const sent = jest.spyOn(Pool.prototype, 'query');
      try {
        expect((await refresh(tokens.refresh_token!)).status).toBe(200);
        expect((await refresh('unknown')).status).toBe(400);
        const texts = sent.mock.calls.map(([query]) => (typeof query === 'string' ? query : (query as { text: string }).text));
        expect(texts).toEqual([REFRESH_STATEMENTS[0].serverCall, REFRESH_STATEMENTS[1].serverCall, REFRESH_STATEMENTS[0].serverCall]);
      } finally {
        sent.mockRestore();
      }
      // Under a reuse grace the rotated token presented again gets the same successor, read back through the twin.
      const domain = first.server.app.domain;
      await domain.tenants.update(await rootAdminActor(domain), '/bouncer', { refreshReuseGraceSeconds: 30 });
      try {
        const parent = (await passwordTokens(first.url, client, alice.username, alice.password, 'offline_access')).refresh_token!;
        const once = await refresh(parent);
        const again = await refresh(parent);
        expect([once.status, again.status]).toEqual([200, 200]);
        expect(again.body.refresh_token).toBe(once.body.refresh_token);
      } finally {
        await domain.tenants.update(await rootAdminActor(domain), '/bouncer', { refreshReuseGraceSeconds: 0 });
      }
    } finally {
      await pg.end();
    }
  });

  it('propagates a revocation from one node to the other through the direct LISTEN connection', async () => {
    const tokens = await passwordTokens(first.url, client, alice.username, alice.password, 'openid');
    // Warm the second node's cache with an active answer first.
    expect((await introspect(second.url, tokens.access_token)).body.active).toBe(true);
    const revoked = await postForm(`${first.url}/revoke`, { token: tokens.access_token }, clientHeaders(client));
    expect(revoked.status).toBe(200);
    await waitUntil(async () => (await introspect(second.url, tokens.access_token)).body.active === false);
  });

  it('runs GraphQL administration through the proxy', async () => {
    const sdk = await rootAdminSdk(second.url);
    const created = await sdk.createTenant({ input: { path: '/bouncer/child', name: 'Child' } });
    expect(created.createTenant.path).toBe('/bouncer/child');
    const page = await sdk.tenants({ first: 50 });
    expect(page.tenants.nodes.map((tenant: { path: string }) => tenant.path)).toEqual(
      expect.arrayContaining(['/bouncer', '/bouncer/child']),
    );
  });

  it('answers 503 while PgBouncer is down and recovers without a restart once it is back', async () => {
    const tokens = await passwordTokens(first.url, client, alice.username, alice.password, 'openid offline_access');
    // PgBouncer stops (an outage of the proxy), then comes back on the same port.
    await bouncer.stop();
    const during = await postForm<{ error: string }>(
      `${first.url}/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      clientHeaders(client),
    );
    expect(during.status).toBe(503);
    expect(during.body.error).toBe('temporarily_unavailable');
    bouncer = await startPgBouncer(directUrl, Number(new URL(bouncer.url).port));
    // A sign-in needs the database (the user's password hash): it works again once the proxy is back.
    await waitUntil(async () => {
      const answer = await postForm(
        `${first.url}/token`,
        { grant_type: 'password', username: alice.username, password: alice.password, scope: 'openid' },
        clientHeaders(client),
      );
      return answer.status === 200;
    });
    // Nothing was committed by the refused refresh: its token still rotates.
    const after = await postForm(
      `${first.url}/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      clientHeaders(client),
    );
    expect(after.status).toBe(200);
  });
});
