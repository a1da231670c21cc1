import { Client as PgClient } from 'pg';
import { createAdminSdk, type AdminSdk, type AuditEventFieldsFragment } from '../../src/sdk/client';
import { clientSdk, errorCode } from '../support/admin-sdk';
import { clientCredentialsToken, postForm, basic } from '../support/oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';
import { FetchBrowser, hiddenFields } from '../support/browser';
import { createTestClient, createTestTenant } from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';

/** The audit trail: every admin mutation with actor, target, tenant, IP and request id; read through GraphQL within the subtree. */
describe('audit events', () => {
  let t: TestServer;
  let root: AdminSdk;
  let acme: AdminSdk;
  const SUPPLIED_SECRET = 'audit-supplied-secret-0123456789';
  const ROTATED_SECRET = 'audit-rotated-secret-0123456789';
  const PASSWORD = 'audit password 0123';

  const all = async (sdk: AdminSdk, filter: Parameters<AdminSdk['auditEvents']>[0] = {}): Promise<AuditEventFieldsFragment[]> => {
    await t.server.app.domain.audit.flush();
    const events: AuditEventFieldsFragment[] = [];
    let after: string | null = null;
    for (;;) {
      const { auditEvents }: Awaited<ReturnType<AdminSdk['auditEvents']>> = await sdk.auditEvents({ ...filter, first: 100, after });
      events.push(...auditEvents.nodes);
      if (!auditEvents.pageInfo.hasNextPage) return events;
      after = auditEvents.pageInfo.endCursor;
    }
  };

  beforeAll(async () => {
    t = await startTestServer();
    const token = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
    // A fixed request id, to find it again in the trail.
    root = createAdminSdk(t.url, token);
    await root.createTenant({ input: { path: '/acme' } });
    await root.createTenant({ input: { path: '/acme/eu' } });
    await root.createTenant({ input: { path: '/beta' } });
    const { createClient } = await root.createClient({
      input: { tenantPath: '/acme', clientId: 'acme-admin', name: 'Acme admin', allowedScopes: ['admin'], clientSecret: SUPPLIED_SECRET },
    });
    acme = await clientSdk(t.url, createClient.client.clientId, SUPPLIED_SECRET);
  });
  afterAll(async () => {
    await t.close();
  });

  it('records a mutation with actor, target, tenant, client IP and the request id', async () => {
    const token = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'audit-req-42' },
      body: JSON.stringify({
        query: 'mutation { createClient(input: { tenantPath: "/acme/eu", clientId: "eu-app", name: "EU app" }) { client { clientId } } }',
      }),
    });
    expect(response.status).toBe(200);
    const [event] = await all(root, { action: 'createClient', actor: ADMIN_CLIENT_ID, tenantPath: '/acme/eu' });
    expect(event).toEqual({
      id: expect.any(String),
      occurredAt: expect.any(String),
      action: 'createClient',
      outcome: 'success',
      tenantPath: '/acme/eu',
      actorKind: 'client',
      actorId: ADMIN_CLIENT_ID,
      actorClientId: ADMIN_CLIENT_ID,
      targetKind: 'client',
      targetId: 'eu-app',
      clientIp: expect.stringMatching(/127\.0\.0\.1$/),
      requestId: 'audit-req-42',
      detail: null,
    });
  });

  it('records every kind of admin mutation under the target’s tenant', async () => {
    const { createUser } = await acme.createUser({ input: { tenantPath: '/acme', username: 'ada', password: PASSWORD } });
    await acme.updateUser({ id: createUser.id, input: { email: 'ada@acme.example' } });
    await acme.setUserPassword({ id: createUser.id, password: `${PASSWORD}!` });
    await acme.rotateClientSecret({ clientId: 'eu-app', clientSecret: ROTATED_SECRET });
    await acme.rotateSigningKey({ tenantPath: '/acme/eu' });
    await acme.deleteUser({ id: createUser.id });
    const events = await all(acme, { actor: 'acme-admin' });
    expect(events.map((e) => [e.action, e.outcome, e.tenantPath, e.targetKind, e.targetId])).toEqual([
      ['deleteUser', 'success', '/acme', 'user', createUser.id],
      ['rotateSigningKey', 'success', '/acme/eu', 'tenant', '/acme/eu'],
      ['rotateClientSecret', 'success', '/acme/eu', 'client', 'eu-app'],
      ['setUserPassword', 'success', '/acme', 'user', createUser.id],
      ['updateUser', 'success', '/acme', 'user', createUser.id],
      ['createUser', 'success', '/acme', 'user', createUser.id],
    ]);
    expect(events.every((e) => e.actorKind === 'client' && e.actorId === 'acme-admin')).toBe(true);
  });

  it('records failures with their error code, and refused callers as well', async () => {
    expect(await errorCode(acme.createUser({ input: { tenantPath: '/acme', username: 'bob', password: 'short' } }))).toBe('BAD_USER_INPUT');
    expect(await errorCode(acme.createClient({ input: { tenantPath: '/beta', name: 'sneaky' } }))).toBe('NOT_FOUND');
    const failures = await all(acme, { actor: 'acme-admin', action: 'createUser' });
    expect(failures[0]).toMatchObject({
      outcome: 'failure',
      tenantPath: '/acme',
      targetKind: 'user',
      targetId: 'bob',
      detail: { error: 'validation_failed' },
    });
    // The refused attempt on /beta belongs to /beta: the root admin sees it, the /acme admin does not.
    const beta = await all(root, { tenantPath: '/beta', action: 'createClient' });
    expect(beta[0]).toMatchObject({ outcome: 'failure', actorId: 'acme-admin', detail: { error: 'not_found' } });
  });

  it('never stores a secret, password or token', async () => {
    const { access_token: accessToken } = (
      await postForm<{ access_token: string }>(
        `${t.url}/token`,
        { grant_type: 'client_credentials' },
        { authorization: basic('eu-app', ROTATED_SECRET) },
      )
    ).body;
    await root.revokeToken({ token: accessToken });
    const text = JSON.stringify(await all(root));
    for (const secret of [SUPPLIED_SECRET, ROTATED_SECRET, PASSWORD, accessToken, ADMIN_CLIENT_SECRET]) expect(text).not.toContain(secret);
    const db = new PgClient({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const rows = await db.query('select * from audit_events');
      const dump = JSON.stringify(rows.rows);
      for (const secret of [SUPPLIED_SECRET, ROTATED_SECRET, PASSWORD, accessToken]) expect(dump).not.toContain(secret);
      expect(rows.rows.find((r: { action: string }) => r.action === 'revokeToken')).toMatchObject({ outcome: 'success', target_id: null });
    } finally {
      await db.end();
    }
  });

  it('shows an admin its subtree only, and answers a sibling tenant as one that does not exist', async () => {
    const seen = await all(acme);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.tenantPath === '/acme' || e.tenantPath.startsWith('/acme/'))).toBe(true);
    expect(new Set(seen.map((e) => e.tenantPath))).toEqual(new Set(['/acme', '/acme/eu']));
    expect(await errorCode(acme.auditEvents({ tenantPath: '/beta' }))).toBe('NOT_FOUND');
    expect(await errorCode(acme.auditEvents({ tenantPath: '/' }))).toBe('NOT_FOUND');
    const everything = await all(root);
    expect(everything.some((e) => e.tenantPath === '/beta')).toBe(true);
  });

  it('pages newest first with cursors and filters by time', async () => {
    const everything = await all(root);
    const times = everything.map((e) => Date.parse(e.occurredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(everything.map((e) => e.id)).size).toBe(everything.length);
    const first = await root.auditEvents({ first: 2 });
    expect(first.auditEvents.totalCount).toBe(everything.length);
    expect(first.auditEvents.nodes.map((e) => e.id)).toEqual(everything.slice(0, 2).map((e) => e.id));
    const second = await root.auditEvents({ first: 2, after: first.auditEvents.pageInfo.endCursor });
    expect(second.auditEvents.nodes.map((e) => e.id)).toEqual(everything.slice(2, 4).map((e) => e.id));

    const middle = everything[Math.floor(everything.length / 2)]!;
    const older = await all(root, { to: middle.occurredAt });
    expect(older.every((e) => Date.parse(e.occurredAt) <= Date.parse(middle.occurredAt))).toBe(true);
    expect(older.map((e) => e.id)).toContain(middle.id);
    const newer = await all(root, { from: middle.occurredAt });
    expect(newer.length + older.length).toBeGreaterThanOrEqual(everything.length);
    expect(await errorCode(root.auditEvents({ from: '2030-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' }))).toBe('BAD_USER_INPUT');
  });

  it('prunes events older than the retention', async () => {
    const db = new PgClient({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const before = Number((await db.query('select count(*) from audit_events')).rows[0].count);
      await db.query(`update audit_events set occurred_at = now() - interval '3 days' where action = 'createTenant'`);
      expect(await t.server.app.domain.audit.prune(2)).toBe(3);
      const after = Number((await db.query('select count(*) from audit_events')).rows[0].count);
      expect(after).toBe(before - 3);
      expect(await t.server.app.domain.audit.prune(2)).toBe(0);
    } finally {
      await db.end();
    }
  });
});

/** Sign-ins, token failures and client revocations leave events too (queued off the request path). */
describe('audit events outside GraphQL', () => {
  let t: TestServer;
  let root: AdminSdk;

  beforeAll(async () => {
    t = await startTestServer();
    root = createAdminSdk(t.url, await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET));
    await createTestTenant(t.server.app.domain, '/site');
  });
  afterAll(async () => {
    await t.close();
  });

  const events = async (action: string) => {
    await t.server.app.domain.audit.flush();
    return (await root.auditEvents({ action, first: 50 })).auditEvents.nodes;
  };

  it('records a failed and a successful hosted sign-in, never the password', async () => {
    const { user, username, password } = await createTestUser(t.server.app.domain, '/site');
    const browser = new FetchBrowser(t.url);
    const start = await browser.get('/account?tenant=/site');
    const page = await browser.get(start.location!);
    const wrong = await browser.post('/authorize/login', { ...hiddenFields(page.body), username, password: 'not the password 123' });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.body).toContain('name="pending"');
    const ok = await browser.post('/authorize/login', { ...hiddenFields(wrong.body), username, password });
    expect(ok.status).toBe(303);
    const signins = await events('signin');
    expect(signins.map((e) => [e.outcome, e.actorKind, e.actorId, e.tenantPath])).toEqual([
      ['success', 'user', user.id, '/site'],
      ['failure', 'anonymous', username, '/site'],
    ]);
    expect(signins.every((e) => e.clientIp && e.requestId && e.actorClientId)).toBe(true);
    expect(JSON.stringify(signins)).not.toContain(password);
  });

  it('records a refused token request and a revocation by a client', async () => {
    const client = await createTestClient(t.server.app.domain, '/site');
    const refused = await postForm(
      `${t.url}/token`,
      { grant_type: 'password', username: 'nobody', password: 'whatever-123' },
      { authorization: basic(client.clientId, client.clientSecret!) },
    );
    expect(refused.status).toBe(400);
    const [failure] = await events('token');
    expect(failure).toMatchObject({
      outcome: 'failure',
      tenantPath: '/site',
      actorId: client.clientId,
      targetKind: 'grant_type',
      targetId: 'password',
      detail: { error: 'unauthorized_client' },
    });

    const token = await clientCredentialsToken(t.url, client.clientId, client.clientSecret!);
    expect((await postForm(`${t.url}/revoke`, { token }, { authorization: basic(client.clientId, client.clientSecret!) })).status).toBe(
      200,
    );
    const [revoked] = await events('revoke');
    expect(revoked).toMatchObject({
      outcome: 'success',
      tenantPath: '/site',
      actorKind: 'client',
      actorId: client.clientId,
      targetKind: 'access_token',
    });
    expect(JSON.stringify(revoked)).not.toContain(token);
  });

  it('records a sign-in by password grant', async () => {
    const app = await createTestClient(t.server.app.domain, '/site', 'user');
    const { user, username, password } = await createTestUser(t.server.app.domain, '/site');
    const granted = await postForm(
      `${t.url}/token`,
      { grant_type: 'password', username, password, tenant_path: '/site' },
      { authorization: basic(app.clientId, app.clientSecret!) },
    );
    expect(granted.status).toBe(200);
    const signins = await events('signin');
    expect(signins.find((e) => e.actorId === user.id && e.targetId === 'password')).toMatchObject({
      outcome: 'success',
      actorKind: 'user',
      actorClientId: app.clientId,
      tenantPath: '/site',
    });
  });
});
