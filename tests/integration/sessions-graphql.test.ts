import { createAdminSdk, type AdminSdk } from '../../src/sdk/client';
import { createCodeFlowClient, type CodeFlowClient } from '../fixtures/code-flow-client';
import { clientSdk, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields, queryOf } from '../support/browser';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(60_000);

/**
 * Issue 23: browser sessions as first-class objects. Before it a session had no public id, no
 * record of the clients it signed into, and no way to list or end one by one; ending sessions left
 * the refresh tokens issued under them alive.
 */
describe('browser sessions in GraphQL', () => {
  let t: TestServer;
  let root: AdminSdk;
  let app: CodeFlowClient;
  const password = 'correct horse battery staple';
  let serial = 0;

  /** Signs a user in through the hosted pages and redeems the code: the session's tokens. */
  async function signIn(username: string, browser = new FetchBrowser(t.url), extra: Record<string, string> = {}) {
    const params = new URLSearchParams({
      client_id: app.clientId,
      response_type: 'code',
      redirect_uri: app.redirectUri,
      scope: 'openid offline_access',
      ...extra,
    });
    const page = await browser.get(`/authorize?${params}`);
    const done = await browser.post('/authorize/login', { ...hiddenFields(page.body), username, password });
    const code = queryOf(done.location).code!;
    const response = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: app.redirectUri }),
    });
    const tokens = (await response.json()) as { access_token: string; refresh_token: string; id_token: string };
    const sid = JSON.parse(Buffer.from(tokens.id_token.split('.')[1]!, 'base64url').toString()).sid as string;
    return { browser, tokens, sid };
  }

  const refreshWorks = async (refreshToken: string): Promise<boolean> => {
    const response = await fetch(`${t.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    return response.status === 200;
  };

  const newUser = async (tenantPath = '/') =>
    (await root.createUser({ input: { tenantPath, username: `suser-${++serial}`, password } })).createUser;

  beforeAll(async () => {
    t = await startTestServer();
    root = await rootAdminSdk(t.url);
    app = await createCodeFlowClient(t.server.app.domain, {
      name: 'Session App',
      firstParty: true,
      redirectUris: ['http://127.0.0.1:9/cb'],
    });
    await root.createTenant({ input: { path: '/sa' } });
    await root.createTenant({ input: { path: '/sb' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists a user’s sessions with their sid and clients; endSession ends one and revokes its refresh tokens', async () => {
    const user = await newUser();
    const first = await signIn(user.username);
    const second = await signIn(user.username);
    const { sessions } = await root.sessions({ userId: user.id });
    expect(sessions.map((s) => s.id).sort()).toEqual([first.sid, second.sid].sort());
    expect(sessions[0]!.clients).toEqual([{ clientId: app.clientId, name: 'Session App' }]);
    expect(sessions[0]!.amr).toEqual(['pwd']);
    // The user sees the same through their own token.
    const own = createAdminSdk(t.url, first.tokens.access_token);
    expect((await own.mySessions()).me.sessions.map((s) => s.id).sort()).toEqual([first.sid, second.sid].sort());

    expect((await root.endSession({ id: first.sid })).endSession).toBe(true);
    expect(await refreshWorks(first.tokens.refresh_token)).toBe(false);
    expect(await refreshWorks(second.tokens.refresh_token)).toBe(true);
    expect((await root.sessions({ userId: user.id })).sessions.map((s) => s.id)).toEqual([second.sid]);
    expect((await graphqlError(root.endSession({ id: first.sid }))).extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('re-authenticating in the same browser (prompt=login) keeps the session: same sid, its refresh tokens live', async () => {
    const user = await newUser();
    const first = await signIn(user.username);
    const again = await signIn(user.username, first.browser, { prompt: 'login' });
    expect(again.sid).toBe(first.sid);
    expect(await refreshWorks(first.tokens.refresh_token)).toBe(true);
    expect((await root.sessions({ userId: user.id })).sessions).toHaveLength(1);
  });

  it('subtree rules: an admin of /sa sees and ends nothing of a /sb user, answered like a missing one', async () => {
    const beta = await newUser('/sb');
    const { createClient } = await root.createClient({ input: { tenantPath: '/sa', name: 'sa admin', allowedScopes: ['admin'] } });
    const sa = await clientSdk(t.url, createClient.client.clientId, createClient.clientSecret!);
    expect((await graphqlError(sa.sessions({ userId: beta.id }))).extensions).toEqual({ code: 'NOT_FOUND' });
    const user = await newUser();
    const { sid } = await signIn(user.username);
    expect((await graphqlError(sa.endSession({ id: sid }))).extensions).toEqual({ code: 'NOT_FOUND' });
    expect((await root.sessions({ userId: user.id })).sessions).toHaveLength(1);
  });

  it('endUserSessions ends 100 sessions × 10 clients set-based and revokes their families (figure printed)', async () => {
    const user = await newUser();
    const { domain } = t.server.app;
    const clients = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createCodeFlowClient(domain, { name: `bulk ${i}`, redirectUris: ['http://127.0.0.1:9/cb'] })),
    );
    const ids = clients.map((c) => c.clientId);
    await sqlRows(
      t.databaseUrl,
      `insert into browser_sessions (id_hash, sid, tenant_id, user_id, auth_time, expires_at, amr, created_at)
       select md5(random()::text) || g, 'bulk' || g || md5(random()::text), u.tenant_id, u.id, now(), now() + interval '1 hour', '{pwd}', now()
         from generate_series(1, 100) g, users u where u.id = $1`,
      [user.id],
    );
    await sqlRows(
      t.databaseUrl,
      `insert into browser_session_clients (session_sid, client_id)
       select s.sid, c.id from browser_sessions s, clients c where s.user_id = $1 and c.client_id = any($2)`,
      [user.id, ids],
    );
    await sqlRows(
      t.databaseUrl,
      `insert into token_families (id, tenant_id, client_id, user_id, scopes, session_sid)
       select gen_random_uuid(), s.tenant_id, c.client_id, s.user_id, '{openid}', s.sid
         from browser_sessions s, clients c where s.user_id = $1 and c.client_id = any($2)`,
      [user.id, ids],
    );
    // The operation's first call compiles it (graphql-jit): warm it on a user with no session first.
    expect((await root.endUserSessions({ userId: (await newUser()).id })).endUserSessions).toBe(0);
    const started = performance.now();
    const { endUserSessions } = await root.endUserSessions({ userId: user.id });
    const ms = performance.now() - started;
    process.stdout.write(`endUserSessions, 100 sessions × 10 clients: ${ms.toFixed(1)} ms (target ≤ 100 ms)\n`);
    expect(endUserSessions).toBe(100);
    const [left] = await sqlRows<{ live: string }>(
      t.databaseUrl,
      'select count(*) as live from token_families where user_id = $1 and revoked_at is null',
      [user.id],
    );
    expect(Number(left!.live)).toBe(0);
  });
});
