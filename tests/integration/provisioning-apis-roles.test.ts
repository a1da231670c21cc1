import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { decodeJwt } from 'jose';
import { isDomainError } from '../../src/domain/errors';
import { parseProvisioningDocument } from '../../src/domain/provisioning/parse-provisioning-document';
import { ProvisioningError } from '../../src/domain/provisioning/provisioning-error';
import type { Domain } from '../../src/composition/create-domain';
import { basic, postForm } from '../support/oauth';
import { runCli } from '../support/cli';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';

const API = 'https://orders.example.test';
const SECRET = 'orders-worker-secret-0123456789';
const PASSWORD = 'olga-password-1';

/** A tenant with an API, a role granting one of its permissions, and a user and a client holding the role. */
function document() {
  return {
    tenants: [
      {
        path: '/orders',
        apis: [
          {
            identifier: API,
            name: 'Orders',
            permissions: [
              { name: 'orders:read', description: 'Read orders' },
              { name: 'orders:write', description: 'Change orders' },
            ],
            accessTokenLifetime: 900,
            isDefault: false as boolean,
          },
        ] as Record<string, unknown>[],
        roles: [{ name: 'reader', description: 'Reads orders', permissions: [{ api: API, permission: 'orders:read' }] }] as Record<
          string,
          unknown
        >[],
        clients: [
          {
            clientId: 'orders-worker',
            name: 'Orders worker',
            clientSecret: SECRET,
            grantTypes: ['client_credentials', 'password'],
            allowedScopes: ['orders:read', 'orders:write'],
            roles: ['reader'],
          },
        ] as Record<string, unknown>[],
        users: [{ username: 'olga', password: PASSWORD, roles: ['reader'] as string[] }] as Record<string, unknown>[],
      },
    ],
  };
}

/** PROVISION_FILE for APIs and roles (issue 20): natural keys, planned state, role assignments, all-or-nothing. */
describe('provisioning file: APIs and roles', () => {
  let t: TestServer;
  let domain: Domain;
  let db: Client;

  beforeAll(async () => {
    t = await startTestServer();
    domain = t.server.app.domain;
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const apply = async (doc: unknown) => domain.provisioning.apply(parseProvisioningDocument(doc, {}, domain.grants));
  const failure = async (call: Promise<unknown>) => {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isDomainError(error)) throw new Error(`expected a domain error, got ${String(error)}`);
    return error;
  };
  const clientToken = async () => {
    const res = await postForm(
      `${t.url}/token`,
      { grant_type: 'client_credentials', resource: API },
      { authorization: basic('orders-worker', SECRET) },
    );
    expect(res.status).toBe(200);
    return decodeJwt(String(res.body.access_token));
  };
  const userToken = async () => {
    const res = await postForm(
      `${t.url}/token`,
      { grant_type: 'password', username: 'olga', password: PASSWORD, scope: 'orders:read orders:write', resource: API },
      { authorization: basic('orders-worker', SECRET) },
    );
    expect(res.status).toBe(200);
    return decodeJwt(String(res.body.access_token));
  };
  const counts = async () =>
    (
      await db.query(
        'select (select count(*) from apis) apis, (select count(*) from roles) roles, (select count(*) from role_assignments) assignments',
      )
    ).rows[0] as Record<string, string>;

  it('creates the API, the role and the assignments, and a second run changes nothing', async () => {
    expect(await apply(document())).toMatchObject({
      tenants: { created: 1 },
      apis: { created: 1, updated: 0, unchanged: 0 },
      roles: { created: 1, updated: 0, unchanged: 0 },
      identityProviders: { created: 0, updated: 0, unchanged: 0 },
      clients: { created: 1 },
      users: { created: 1 },
    });
    const client = await clientToken();
    expect(client).toMatchObject({ aud: API, scope: 'orders:read' });
    expect(Number(client.exp) - Number(client.iat)).toBeLessThanOrEqual(900);
    expect(await userToken()).toMatchObject({ aud: API, scope: 'orders:read' });

    const before = await counts();
    expect(await apply(document())).toMatchObject({
      apis: { created: 0, updated: 0, unchanged: 1 },
      roles: { created: 0, updated: 0, unchanged: 1 },
      identityProviders: { created: 0, updated: 0, unchanged: 0 },
      clients: { created: 0, updated: 0, unchanged: 1 },
      users: { created: 0, updated: 0, unchanged: 1 },
    });
    expect(await counts()).toEqual(before);
  });

  it('brings an edited file’s API, role and assignments to the planned state; new tokens follow', async () => {
    await apply(document());
    const doc = document();
    const tenant = doc.tenants[0]!;
    tenant.apis[0]!.isDefault = true;
    tenant.roles[0]!.permissions = [
      { api: API, permission: 'orders:read' },
      { api: API, permission: 'orders:write' },
    ];
    tenant.users[0]!.roles = [];
    expect(await apply(doc)).toMatchObject({
      apis: { updated: 1 },
      roles: { updated: 1 },
      clients: { unchanged: 1 },
      users: { updated: 1 },
    });
    expect(await clientToken()).toMatchObject({ scope: 'orders:read orders:write' });
    expect((await userToken()).scope ?? '').toBe('');
    expect((await db.query('select is_default from apis where identifier = $1', [API])).rows).toEqual([{ is_default: true }]);

    // A permission the file no longer declares leaves the API and the role that granted it.
    const narrowed = document();
    narrowed.tenants[0]!.apis[0]!.permissions = [{ name: 'orders:read', description: 'Read orders' }];
    narrowed.tenants[0]!.roles[0]!.permissions = [{ api: API, permission: 'orders:read' }];
    expect(await apply(narrowed)).toMatchObject({ apis: { updated: 1 }, roles: { unchanged: 1 }, users: { updated: 1 } });
    expect(await clientToken()).toMatchObject({ scope: 'orders:read' });
    expect(await userToken()).toMatchObject({ scope: 'orders:read' });
  });

  it('sets the admin flag through the built-in role admin, and clears it when the list leaves it out', async () => {
    const doc = document();
    doc.tenants[0]!.users[0]!.roles = ['admin', 'reader'];
    await apply(doc);
    expect((await db.query("select admin from users where username = 'olga'")).rows).toEqual([{ admin: true }]);
    expect(await apply(document())).toMatchObject({ users: { updated: 1 } });
    expect((await db.query("select admin from users where username = 'olga'")).rows).toEqual([{ admin: false }]);
  });

  it('names the entry of a role granting a permission its API does not declare, and writes nothing of the file', async () => {
    const before = await counts();
    const bad = 'https://bad.example.test';
    const doc = document();
    const tenant = doc.tenants[0]!;
    tenant.path = '/orders-bad';
    tenant.apis[0]!.identifier = bad;
    tenant.roles = [
      { name: 'reader', permissions: [{ api: bad, permission: 'orders:read' }] },
      { name: 'writer', permissions: [{ api: bad, permission: 'orders:delete' }] },
    ];
    tenant.clients = [];
    tenant.users = [];
    const error = await failure(apply(doc));
    expect(error.description).toBe(
      'tenants[0].roles[1].permissions[0].permission: "orders:delete" is not a permission of https://bad.example.test',
    );
    expect(await counts()).toEqual(before);
    expect((await db.query("select 1 from tenants where path = '/orders-bad'")).rowCount).toBe(0);
  });

  it('names the entry assigning a role its tenant does not have, writing nothing', async () => {
    const before = await counts();
    const doc = document();
    doc.tenants[0]!.path = '/orders-missing';
    doc.tenants[0]!.clients = [];
    doc.tenants[0]!.users = [{ username: 'mia', password: PASSWORD, roles: ['reader', 'auditor'] }];
    const error = await failure(apply(doc));
    expect(error.code).toBe('not_found');
    expect(error.description).toBe(
      "tenants[0].users[0].roles[1]: role auditor does not exist in /orders-missing (add it to the tenant's roles or create it first)",
    );
    expect(await counts()).toEqual(before);
  });

  it('refuses, before writing anything, duplicate identifiers and names, two default APIs and the admin role on a client', async () => {
    const doc = document();
    const tenant = doc.tenants[0]!;
    tenant.apis.push(
      { identifier: API, name: 'Again', isDefault: true },
      { identifier: 'https://other.example.test', name: 'Other', isDefault: true },
    );
    tenant.apis[0]!.isDefault = true;
    tenant.roles.push({ name: 'reader' }, { name: 'admin' });
    tenant.clients[0]!.roles = ['admin'];
    tenant.users[0]!.roles = ['reader', 'reader'];
    const error = (await failure(apply(doc))) as ProvisioningError;
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error.problems).toEqual([
      'tenants[0].roles[2].name: "admin" is the built-in role',
      'tenants[0].clients[0].roles[0]: the built-in role admin is for users; a client gets scope admin through its allowedScopes',
      'tenants[0].users[0].roles[1]: role reader appears twice',
    ]);
    tenant.roles.pop();
    tenant.clients[0]!.roles = ['reader'];
    tenant.users[0]!.roles = ['reader'];
    expect(((await failure(apply(doc))) as ProvisioningError).problems).toEqual([
      `tenants[0].apis[1].identifier: API ${API} of /orders appears twice in the file (first at tenants[0].apis[0].identifier)`,
      'tenants[0].apis[1].isDefault: a default API of /orders appears twice in the file (first at tenants[0].apis[0].isDefault)',
      'tenants[0].apis[2].isDefault: a default API of /orders appears twice in the file (first at tenants[0].apis[0].isDefault)',
      'tenants[0].roles[1].name: role reader of /orders appears twice in the file (first at tenants[0].roles[0].name)',
    ]);
  });

  it('tenant-idp apply does the same through the admin API, a second run changes nothing, and tenant-idp export writes it back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'idp-apply-'));
    const env = { TENANT_IDP_URL: t.url, TENANT_IDP_CLIENT_ID: ADMIN_CLIENT_ID, TENANT_IDP_CLIENT_SECRET: ADMIN_CLIENT_SECRET };
    try {
      const doc = document();
      const tenant = doc.tenants[0]!;
      tenant.path = '/orders-cli';
      tenant.clients[0]!.clientId = 'orders-cli-worker';
      tenant.users[0]!.roles = ['admin', 'reader'];
      const file = path.join(dir, 'orders.json');
      writeFileSync(file, JSON.stringify(doc));
      const first = await runCli(['apply', file, '--json'], env);
      expect(first.stderr).toBe('');
      expect(JSON.parse(first.stdout)).toMatchObject({
        apis: { created: 1 },
        roles: { created: 1 },
        clients: { created: 1 },
        users: { created: 1 },
      });
      const res = await postForm(
        `${t.url}/token`,
        { grant_type: 'client_credentials', resource: API },
        { authorization: basic('orders-cli-worker', SECRET) },
      );
      expect(decodeJwt(String(res.body.access_token))).toMatchObject({ aud: API, scope: 'orders:read' });
      expect((await db.query("select admin from users u join tenants t on t.id = u.tenant_id where t.path = '/orders-cli'")).rows).toEqual([
        { admin: true },
      ]);
      const second = await runCli(['apply', file, '--json'], env);
      expect(JSON.parse(second.stdout)).toMatchObject({
        apis: { created: 0, updated: 0, unchanged: 1 },
        roles: { created: 0, updated: 0, unchanged: 1 },
        identityProviders: { created: 0, updated: 0, unchanged: 0 },
        clients: { created: 0, updated: 0, unchanged: 1 },
        users: { created: 0, updated: 0, unchanged: 1 },
      });
      // The export carries the API, the role and both assignments (admin as the built-in role), and re-applies as a no-op.
      const exported = await runCli(['export', '--tenant', '/orders-cli'], env);
      expect(exported.code).toBe(0);
      const exportedTenant = (JSON.parse(exported.stdout) as { tenants: Record<string, unknown>[] }).tenants[0]!;
      expect(exportedTenant).toMatchObject({
        apis: [
          {
            identifier: API,
            name: 'Orders',
            permissions: [
              { name: 'orders:read', description: 'Read orders' },
              { name: 'orders:write', description: 'Change orders' },
            ],
            accessTokenLifetime: 900,
            acceptsChildTenants: false,
            isDefault: false,
          },
        ],
        roles: [{ name: 'reader', description: 'Reads orders', permissions: [{ api: API, permission: 'orders:read' }] }],
        clients: [expect.objectContaining({ clientId: 'orders-cli-worker', roles: ['reader'] })],
        users: [expect.objectContaining({ username: 'olga', roles: ['admin', 'reader'] })],
      });
      const exportFile = path.join(dir, 'export.json');
      writeFileSync(exportFile, exported.stdout);
      const reapplied = await runCli(['apply', exportFile, '--json'], env);
      expect(reapplied.stderr).toBe('');
      expect(JSON.parse(reapplied.stdout)).toMatchObject({
        apis: { created: 0, updated: 0, unchanged: 1 },
        roles: { created: 0, updated: 0, unchanged: 1 },
        identityProviders: { created: 0, updated: 0, unchanged: 0 },
        clients: { created: 0, updated: 0, unchanged: 1 },
        users: { created: 0, updated: 0, unchanged: 1 },
      });
      tenant.users[0]!.roles = ['reader', 'auditor'];
      writeFileSync(file, JSON.stringify(doc));
      const refused = await runCli(['apply', file], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('tenants[0].users[0].roles[1]: role auditor does not exist in /orders-cli');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
