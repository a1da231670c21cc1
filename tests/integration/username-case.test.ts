import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { defaults } from '../../src/config/defaults';
import type { Domain } from '../../src/composition/create-domain';
import { USER_BY_USERNAME } from '../../src/data/user.repository';
import { isDomainError } from '../../src/domain/errors';
import { parseProvisioningDocument } from '../../src/domain/provisioning/parse-provisioning-document';
import { createAdminSdk, type AdminSdk } from '../../src/sdk/client';
import { createCodeFlowClient } from '../fixtures/code-flow-client';
import { registerUser, seed001User } from '../fixtures/seed001';
import type { TestClient } from '../fixtures/token-clients';
import { errorCode } from '../support/admin-sdk';
import { FetchBrowser, hiddenFields } from '../support/browser';
import { runCli } from '../support/cli';
import { basic, clientCredentialsToken, postForm } from '../support/oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

/**
 * Usernames that differ only in case name one account of a tenant: a second one is refused with
 * the existing conflict error on every creating or renaming path, and every sign-in path finds the
 * account whatever the case typed, while the stored username keeps the case it was created with.
 */
describe('usernames are case-insensitive within a tenant', () => {
  let t: TestServer;
  let domain: Domain;
  let root: AdminSdk;
  let rootToken: string;
  let app: TestClient;
  let dir: string;
  const password = 'correct horse battery staple';
  const cliEnv = () => ({ TENANT_IDP_URL: t.url, TENANT_IDP_CLIENT_ID: ADMIN_CLIENT_ID, TENANT_IDP_CLIENT_SECRET: ADMIN_CLIENT_SECRET });
  const failed = (error: string) => ({ status: 'FAILED', message: expect.any(String), error, error_description: expect.any(String) });

  const usersOf = async (tenantPath: string) => (await root.users({ tenantPath, first: 100 })).users.nodes;
  const passwordGrant = (username: string, secret = password) =>
    postForm<{ access_token?: string; error?: string }>(
      `${t.url}/token`,
      { grant_type: 'password', username, password: secret, scope: 'openid' },
      { authorization: basic(app.clientId, app.clientSecret!) },
    );

  beforeAll(async () => {
    t = await startTestServer();
    domain = t.server.app.domain;
    rootToken = await clientCredentialsToken(t.url, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
    root = createAdminSdk(t.url, rootToken);
    await root.createTenant({ input: { path: '/other' } });
    const { createClient } = await root.createClient({
      input: { tenantPath: '/', name: 'sign-in', grantTypes: ['password'], allowedScopes: ['openid'] },
    });
    app = { clientId: createClient.client.clientId, clientSecret: createClient.clientSecret };
    await root.createUser({ input: { tenantPath: '/', username: 'Admin', password } });
    await root.createUser({ input: { tenantPath: '/', username: 'bob', password } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'idp-username-case-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('refuses a second user differing only in case through GraphQL createUser and updateUser, and allows the name in another tenant', async () => {
    for (const username of ['admin', 'ADMIN', 'aDmIn']) {
      expect(await errorCode(root.createUser({ input: { tenantPath: '/', username, password } }))).toBe('CONFLICT');
    }
    const bob = (await usersOf('/')).find((u) => u.username === 'bob')!;
    expect(await errorCode(root.updateUser({ id: bob.id, input: { username: 'ADMIN' } }))).toBe('CONFLICT');
    expect((await root.user({ id: bob.id })).user.username).toBe('bob');
    // A user may change the case of its own username.
    expect((await root.updateUser({ id: bob.id, input: { username: 'Bob' } })).updateUser.username).toBe('Bob');
    expect((await root.updateUser({ id: bob.id, input: { username: 'bob' } })).updateUser.username).toBe('bob');
    expect((await root.createUser({ input: { tenantPath: '/other', username: 'admin', password } })).createUser.username).toBe('admin');
    expect((await usersOf('/')).map((u) => u.username).sort()).toEqual(['Admin', 'bob']);
  });

  it('refuses it at seed 001 /register_user with the seed’s 409', async () => {
    const res = await registerUser(t.url, { ...seed001User(), username: 'ADMIN' }, rootToken);
    expect(res.status).toBe(409);
    expect(res.body).toEqual(failed('invalid_request'));
    expect((await usersOf('/')).filter((u) => u.username.toLowerCase() === 'admin')).toHaveLength(1);
  });

  it('refuses it in a provisioning file, neither updating nor renaming the existing user', async () => {
    const doc = { tenants: [{ path: '/', users: [{ username: 'ADMIN', password: 'another-password-1', email: 'x@example.com' }] }] };
    const error = await domain.provisioning.apply(parseProvisioningDocument(doc, {}, domain.grants)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDomainError(error) && error.code).toBe('conflict');
    expect((error as Error).message).toMatch(
      /tenants\[0\]\.users\[0\]\.username: user ADMIN differs only in case from the existing user Admin of \//,
    );
    const admin = (await usersOf('/')).find((u) => u.username === 'Admin')!;
    expect(admin.email).toBeNull();
    expect((await passwordGrant('Admin')).status).toBe(200);
    // Twice in one file is a problem of the file.
    const twice = {
      tenants: [
        {
          path: '/other',
          users: [
            { username: 'eve', password },
            { username: 'EVE', password },
          ],
        },
      ],
    };
    expect(() => parseProvisioningDocument(twice, {}, domain.grants)).toThrow(/user EVE of \/other appears twice in the file/);
  });

  it('refuses it through the CLI (users create, apply)', async () => {
    const created = await runCli(['users', 'create', 'ADMIN', '--tenant', '/', '--password-stdin', '--json'], cliEnv(), `${password}\n`);
    expect(created.code).toBe(2);
    expect(JSON.parse(created.stderr)).toMatchObject({ error: { code: 'CONFLICT' } });
    const file = path.join(dir, 'admin.json');
    writeFileSync(file, JSON.stringify({ tenants: [{ path: '/', users: [{ username: 'admin', password: 'another-password-1' }] }] }));
    const applied = await runCli(['apply', file, '--json'], cliEnv());
    expect(applied.code).toBe(2);
    expect(JSON.parse(applied.stderr)).toMatchObject({
      error: {
        code: 'CONFLICT',
        message:
          'tenants[0].users[0].username: user admin differs only in case from the existing user Admin of / (usernames are case-insensitive)',
      },
    });
    expect((await passwordGrant('Admin')).status).toBe(200);
    expect((await passwordGrant('Admin', 'another-password-1')).status).toBe(400);
  });

  it('signs in whatever the case typed, at the password grant and the hosted sign-in page, as the one stored user', async () => {
    const admin = (await usersOf('/')).find((u) => u.username === 'Admin')!;
    for (const username of ['Admin', 'admin', 'ADMIN']) {
      const res = await passwordGrant(username);
      expect({ username, status: res.status }).toEqual({ username, status: 200 });
      expect((await createAdminSdk(t.url, res.body.access_token!).me()).me.userId).toBe(admin.id);
    }
    expect((await passwordGrant('ADMIN', 'wrong password 1')).status).toBe(400);
    // U+212A KELVIN SIGN lower-cases to "k" in JavaScript; it is not a username letter and matches nothing.
    await root.createUser({ input: { tenantPath: '/', username: 'kim', password } });
    expect((await passwordGrant('\u212aim')).status).toBe(400);

    const codeClient = await createCodeFlowClient(domain, { firstParty: true });
    const browser = new FetchBrowser(t.url);
    const page = await browser.get(
      `/authorize?${new URLSearchParams({ client_id: codeClient.clientId, response_type: 'code', redirect_uri: codeClient.redirectUri, scope: 'openid', state: 's' })}`,
    );
    expect(page.status).toBe(200);
    const signedIn = await browser.post('/authorize/login', { ...hiddenFields(page.body), username: 'aDMIN', password });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toMatch(/[?&]code=/);
    expect((await root.user({ id: admin.id })).user.username).toBe('Admin');
  });

  it('counts failed sign-ins against one account whatever the case typed', async () => {
    await root.createUser({ input: { tenantPath: '/', username: 'Carol', password } });
    const variants = ['carol', 'CAROL', 'cArol', 'caRol', 'carOl', 'caroL', 'CArol'];
    for (const username of variants.slice(0, defaults.bruteForce.accountSource.threshold))
      expect((await passwordGrant(username, 'wrong password 1')).status).toBe(400);
    const locked = await passwordGrant(variants[defaults.bruteForce.accountSource.threshold]!);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('invalid_grant');
  });

  it('looks a username up on the unique index of (tenant, lower-cased username)', async () => {
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      // The statement sign-in runs, planned as on a table too large to scan.
      await db.query('set enable_seqscan = off');
      await db.query(`prepare by_username as ${USER_BY_USERNAME.text}`);
      const { id } = await domain.tenants.require('/');
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(`explain execute by_username('${id}', 'ADMIN')`);
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Index Scan using users_tenant_username_key_unique on users u/);
    } finally {
      await db.end();
    }
  });
});
