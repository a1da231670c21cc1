import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { freePort } from '../../src/db/embedded-postgres';
import { PROVISIONING_VARIABLES, provisioningDocument } from '../fixtures/provisioning-file';
import { runCli } from '../support/cli';
import { basic, postForm } from '../support/oauth';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

/** The `tenant-idp` CLI (issue 8) as a separate process against a real server, through the GraphQL API only. */
describe('tenant-idp CLI', () => {
  let t: TestServer;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await startTestServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'idp-cli-'));
    env = { TENANT_IDP_URL: t.url, TENANT_IDP_CLIENT_ID: ADMIN_CLIENT_ID, TENANT_IDP_CLIENT_SECRET: ADMIN_CLIENT_SECRET };
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CLI output checked field by field below
  const json = (stdout: string): any => JSON.parse(stdout);

  it('prints an access token, and the token response with --json', async () => {
    const text = await runCli(['token'], env);
    expect(text.code).toBe(0);
    expect(decodeJwt(text.stdout.trim())).toMatchObject({ client_id: ADMIN_CLIENT_ID, scope: 'admin' });
    // Credentials as flags instead of environment variables.
    const flagged = await runCli([
      'token',
      '--json',
      '--url',
      t.url,
      '--client-id',
      ADMIN_CLIENT_ID,
      '--client-secret',
      ADMIN_CLIENT_SECRET,
    ]);
    expect(flagged.code).toBe(0);
    expect(json(flagged.stdout)).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
  });

  it('creates, lists and deletes tenants', async () => {
    const created = await runCli(['tenants', 'create', '/cli-t', '--name', 'CLI tenant', '--signing-algorithm', 'ES256', '--json'], env);
    expect(created.code).toBe(0);
    expect(json(created.stdout)).toMatchObject({ path: '/cli-t', name: 'CLI tenant', signingAlgorithm: 'ES256' });
    const listed = await runCli(['tenants', 'list', '--json'], env);
    expect((json(listed.stdout) as { path: string }[]).map((x) => x.path)).toContain('/cli-t');
    expect((await runCli(['tenants', 'list'], env)).stdout).toMatch(/^\/cli-t\s+CLI tenant\s+ES256/m);
    expect((await runCli(['tenants', 'delete', '/cli-t'], env)).code).toBe(0);
    expect((json((await runCli(['tenants', 'list', '--json'], env)).stdout) as { path: string }[]).map((x) => x.path)).not.toContain(
      '/cli-t',
    );
    const again = await runCli(['tenants', 'delete', '/cli-t', '--json'], env);
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stderr)).toMatchObject({ error: { exitCode: 2, code: 'NOT_FOUND' } });
  });

  it('creates a client and shows its secret once; the secret works at /token', async () => {
    await runCli(['tenants', 'create', '/cli-c'], env);
    const created = await runCli(
      ['clients', 'create', '--tenant', '/cli-c', '--id', 'cli-app', '--grant-types', 'client_credentials', '--scopes', 'email,username'],
      env,
    );
    expect(created.code).toBe(0);
    const secret = /client_secret: (\S+)/.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    const token = await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('cli-app', secret!) });
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('email username');
    const listed = await runCli(['clients', 'list', '--tenant', '/cli-c'], env);
    expect(listed.stdout).toMatch(/^cli-app\s+\/cli-c\s+cli-app\s+confidential\s+client_credentials/m);
    expect(listed.stdout).not.toContain(secret);
    expect((await runCli(['clients', 'delete', 'cli-app'], env)).code).toBe(0);
    expect(
      (await postForm(`${t.url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('cli-app', secret!) })).status,
    ).toBe(401);
  });

  it('creates and deletes users, reading the password from stdin', async () => {
    await runCli(['tenants', 'create', '/cli-u'], env);
    const created = await runCli(
      ['users', 'create', 'bob', '--tenant', '/cli-u', '--password-stdin', '--email', 'bob@example.com', '--json'],
      env,
      'bob-password-1\n',
    );
    expect(created.code).toBe(0);
    expect(json(created.stdout)).toMatchObject({ username: 'bob', tenantPath: '/cli-u', email: 'bob@example.com' });
    expect((await runCli(['users', 'list', '--tenant', '/cli-u'], env)).stdout).toMatch(/^bob\s+\/cli-u\s+bob@example.com/m);
    expect((await runCli(['users', 'delete', 'bob', '--tenant', '/cli-u'], env)).code).toBe(0);
    expect((await runCli(['users', 'delete', 'bob', '--tenant', '/cli-u'], env)).code).toBe(2);
  });

  it('applies a provisioning file, exports it back without secrets or hashes, and re-applies the export as a no-op', async () => {
    const file = path.join(dir, 'acme.json');
    // The sub-tenant (ES256) with every tenant setting a file carries switched on.
    const original = provisioningDocument();
    const tenants = original.tenants.map((tenant) =>
      tenant.path === '/acme/eu'
        ? {
            ...tenant,
            allowOpenClientRegistration: true,
            requirePushedAuthorizationRequests: true,
            securityProfile: 'FAPI2',
            mfaPolicy: 'REQUIRED',
            mfaRequiredRoles: ['admin', 'auditor'],
          }
        : tenant,
    );
    writeFileSync(file, JSON.stringify({ ...original, tenants }));
    const applied = await runCli(['apply', file, '--json'], { ...env, ...PROVISIONING_VARIABLES });
    expect(applied.code).toBe(0);
    expect(json(applied.stdout)).toMatchObject({ tenants: { created: 2 }, clients: { created: 2 }, users: { created: 1 } });
    const password = await postForm(
      `${t.url}/token`,
      { grant_type: 'password', username: 'ada', password: PROVISIONING_VARIABLES.ADA_PASSWORD },
      { authorization: basic('acme-app', PROVISIONING_VARIABLES.ACME_APP_SECRET) },
    );
    expect(password.status).toBe(200);

    const exported = await runCli(['export', '--tenant', '/acme'], env);
    expect(exported.code).toBe(0);
    for (const secret of [...Object.values(PROVISIONING_VARIABLES), '$argon2', '"clientSecret":', '"password":', 'secretDigest', 'Hash'])
      expect(exported.stdout).not.toContain(secret);
    const document = JSON.parse(exported.stdout) as {
      tenants: {
        path: string;
        clients: { clientId: string; accessTokenLifetime: number }[];
        users: { username: string; email: string }[];
      }[];
    };
    expect(document.tenants.map((x) => x.path)).toEqual(['/acme', '/acme/eu']);
    expect(document.tenants[1]).toMatchObject({
      signingAlgorithm: 'ES256',
      allowOpenClientRegistration: true,
      requirePushedAuthorizationRequests: true,
      securityProfile: 'FAPI2',
      mfaPolicy: 'REQUIRED',
      mfaRequiredRoles: ['admin', 'auditor'],
    });
    expect(document.tenants[0]).toMatchObject({
      allowOpenClientRegistration: false,
      requirePushedAuthorizationRequests: false,
      securityProfile: 'NONE',
      mfaPolicy: 'OPTIONAL',
      mfaRequiredRoles: [],
    });
    expect(document.tenants[0]!.clients.map((c) => [c.clientId, c.accessTokenLifetime])).toEqual([
      ['acme-app', 1200],
      ['acme-spa', 3600],
    ]);
    expect(document.tenants[0]!.users).toEqual([
      { username: 'ada', email: 'ada@acme.example', phone: null, firstname: 'Ada', lastname: null, enabled: true, roles: [] },
    ]);

    const exportFile = path.join(dir, 'export.json');
    writeFileSync(exportFile, exported.stdout);
    const reapplied = await runCli(['apply', exportFile, '--json'], env);
    expect(reapplied.code).toBe(0);
    expect(json(reapplied.stdout)).toMatchObject({
      tenants: { created: 0, updated: 0, unchanged: 2 },
      clients: { created: 0, updated: 0, unchanged: 2 },
      users: { created: 0, updated: 0, unchanged: 1 },
    });
    // Re-applying the original file with its secret changes no client either (the secret is checked, not blindly re-set).
    const again = await runCli(['apply', file, '--json'], { ...env, ...PROVISIONING_VARIABLES });
    expect(json(again.stdout)).toMatchObject({ tenants: { unchanged: 2 }, clients: { unchanged: 2 } });
  });

  it('re-applying a client_secret_jwt client with its secret leaves it unchanged (the secret is checked with an assertion)', async () => {
    const secret = 'hmac-client-secret-0123456789abcdef';
    const file = path.join(dir, 'hmac.json');
    writeFileSync(
      file,
      JSON.stringify({
        tenants: [
          {
            path: '/cli-hmac',
            name: 'HMAC',
            clients: [
              {
                clientId: 'cli-hmac-app',
                name: 'HMAC app',
                clientSecret: '${HMAC_SECRET}',
                tokenEndpointAuthMethod: 'client_secret_jwt',
                grantTypes: ['client_credentials'],
                allowedScopes: ['email'],
              },
            ],
          },
        ],
      }),
    );
    const first = await runCli(['apply', file, '--json'], { ...env, HMAC_SECRET: secret });
    expect(first.code).toBe(0);
    expect(json(first.stdout)).toMatchObject({ clients: { created: 1 } });
    const again = await runCli(['apply', file, '--json'], { ...env, HMAC_SECRET: secret });
    expect(again.code).toBe(0);
    expect(json(again.stdout)).toMatchObject({ clients: { created: 0, updated: 0, unchanged: 1 } });
    // Another secret in the file is set (and then checked the same way).
    const other = 'hmac-client-secret-rotated-0123456789';
    expect(json((await runCli(['apply', file, '--json'], { ...env, HMAC_SECRET: other })).stdout)).toMatchObject({
      clients: { updated: 1 },
    });
    expect(json((await runCli(['apply', file, '--json'], { ...env, HMAC_SECRET: other })).stdout)).toMatchObject({
      clients: { unchanged: 1 },
    });
  });

  it('reports an invalid file with JSON paths and exit code 1, writing nothing', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        tenants: [
          { path: '/cli-bad', clients: [{ clientId: 'cli-bad', name: 'x', clientSecret: '${MISSING_SECRET}', redirectUris: ['nope'] }] },
        ],
      }),
    );
    const run = await runCli(['apply', file], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('tenants[0].clients[0].clientSecret: environment variable MISSING_SECRET is not set');
    expect(run.stderr).toContain('tenants[0].clients[0].redirectUris[0]: "nope" is not an absolute URI');
    expect((await runCli(['tenants', 'list'], env)).stdout).not.toContain('/cli-bad');
  });

  it('stops at the first entry the server refuses, naming it, with exit code 2', async () => {
    const file = path.join(dir, 'conflict.json');
    writeFileSync(
      file,
      JSON.stringify({
        tenants: [
          {
            path: '/cli-conflict',
            clients: [{ clientId: ADMIN_CLIENT_ID, name: 'Not the admin', clientSecret: 'some-secret-0123456789abc' }],
          },
        ],
      }),
    );
    const run = await runCli(['apply', file, '--json'], env);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toMatchObject({
      error: { exitCode: 2, code: 'CONFLICT', message: 'tenants[0].clients[0].clientId: client admin already exists in another tenant' },
    });
    // The admin client is untouched.
    expect((await runCli(['token'], env)).code).toBe(0);
  });

  it('exits 2 on bad credentials, 3 when the server is unreachable and 1 on usage errors', async () => {
    const bad = await runCli(['token'], { ...env, TENANT_IDP_CLIENT_SECRET: 'not-the-admin-secret-000000' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid_client/);
    const port = await freePort();
    const unreachable = await runCli(['tenants', 'list', '--url', `http://127.0.0.1:${port}`, '--json'], env);
    expect(unreachable.code).toBe(3);
    expect(JSON.parse(unreachable.stderr)).toMatchObject({ error: { exitCode: 3, code: 'CONNECTION_FAILED' } });
    expect((await runCli(['tenants', 'list', '--bogus'], env)).code).toBe(1);
    expect((await runCli(['frobnicate'], env)).code).toBe(1);
    expect((await runCli(['token'], { TENANT_IDP_URL: t.url })).stderr).toMatch(/credentials missing/);
    const help = await runCli(['clients', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--grant-types/);
    expect(help.stdout).toMatch(/Exit codes: 0 ok, 1 usage/);
  });
});
