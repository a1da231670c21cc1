import { isObjectType } from 'graphql';
import { buildAdminSchema } from '../../src/graphql/build-schema';
import { createAdminSdk, type AdminSdk } from '../../src/sdk/client';
import { clientSdk, errorCode, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { clientCredentialsToken } from '../support/oauth';
import { ADMIN_CLIENT_ID, startTestServer, type TestServer } from '../support/test-server';

/** The "done when" flow of the GraphQL admin API, driven only through the generated SDK. */
describe('GraphQL admin API: tenant-scoped administration', () => {
  let t: TestServer;
  let root: AdminSdk;
  let acme: AdminSdk;
  let acmeAdmin: { clientId: string; clientSecret: string };
  let betaClientId: string;
  let betaUserId: string;

  beforeAll(async () => {
    t = await startTestServer();
    root = await rootAdminSdk(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets the root admin create /acme and an admin client in it whose secret is shown once', async () => {
    expect((await root.me()).me).toEqual({
      subject: ADMIN_CLIENT_ID,
      clientId: ADMIN_CLIENT_ID,
      tenantPath: '/',
      scopes: ['admin'],
      userId: null,
    });

    const { createTenant } = await root.createTenant({ input: { path: '/acme', name: 'Acme Inc.' } });
    expect(createTenant).toMatchObject({
      path: '/acme',
      parentPath: '/',
      name: 'Acme Inc.',
      signingAlgorithm: 'RS256',
      allowSelfSignup: false,
      tokensRevokedBefore: null,
    });

    const { createClient } = await root.createClient({ input: { tenantPath: '/acme', name: 'Acme admin', allowedScopes: ['admin'] } });
    expect(createClient.client).toMatchObject({
      tenantPath: '/acme',
      name: 'Acme admin',
      allowedScopes: ['admin'],
      grantTypes: ['client_credentials'],
      isPublic: false,
      enabled: true,
    });
    expect(createClient.clientSecret).toEqual(expect.any(String));
    // 256 random bits, base64url.
    expect(createClient.clientSecret!.length).toBeGreaterThanOrEqual(43);
    acmeAdmin = { clientId: createClient.client.clientId, clientSecret: createClient.clientSecret! };

    const { client } = await root.client({ clientId: acmeAdmin.clientId });
    expect(client).toEqual(createClient.client);
    expect(JSON.stringify(client)).not.toContain(acmeAdmin.clientSecret);
  });

  it('never exposes a secret, digest or hash field on Client or User', () => {
    const schema = buildAdminSchema();
    for (const name of ['Client', 'User']) {
      const type = schema.getType(name);
      if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
      expect(Object.keys(type.getFields()).filter((field) => /secret|digest|hash|password/i.test(field))).toEqual([]);
    }
  });

  it('gives the /acme admin client a client_credentials token that works at GraphQL', async () => {
    acme = await clientSdk(t.url, acmeAdmin.clientId, acmeAdmin.clientSecret);
    expect((await acme.me()).me).toEqual({
      subject: acmeAdmin.clientId,
      clientId: acmeAdmin.clientId,
      tenantPath: '/acme',
      scopes: ['admin'],
      userId: null,
    });
  });

  it('lets the /acme admin create users in /acme', async () => {
    const { createUser } = await acme.createUser({
      input: { tenantPath: '/acme', username: 'alice', password: 'correct horse battery', email: 'alice@acme.example', firstname: 'Alice' },
    });
    expect(createUser).toMatchObject({
      tenantPath: '/acme',
      username: 'alice',
      email: 'alice@acme.example',
      firstname: 'Alice',
      lastname: null,
      phone: null,
      enabled: true,
    });
    expect((await acme.user({ id: createUser.id })).user).toEqual(createUser);
    const { users } = await acme.users({});
    expect(users.nodes.map((u) => u.username)).toEqual(['alice']);
    expect(users.totalCount).toBe(1);
  });

  it('answers the /acme admin everything outside /acme as if it did not exist', async () => {
    await root.createTenant({ input: { path: '/beta' } });
    betaClientId = (await root.createClient({ input: { tenantPath: '/beta', name: 'Beta service' } })).createClient.client.clientId;
    betaUserId = (await root.createUser({ input: { tenantPath: '/beta', username: 'bob', password: 'bob-password-123' } })).createUser.id;

    const outside: [string, () => Promise<unknown>][] = [
      ["tenant('/')", () => acme.tenant({ path: '/' })],
      ["tenant('/beta')", () => acme.tenant({ path: '/beta' })],
      ["clients(tenantPath: '/beta')", () => acme.clients({ tenantPath: '/beta' })],
      ["users(tenantPath: '/beta')", () => acme.users({ tenantPath: '/beta' })],
      ["signingKeys(tenantPath: '/')", () => acme.signingKeys({ tenantPath: '/' })],
      ['client(<beta client>)', () => acme.client({ clientId: betaClientId })],
      ['client(<root admin>)', () => acme.client({ clientId: ADMIN_CLIENT_ID })],
      ['user(<beta user>)', () => acme.user({ id: betaUserId })],
      ["createClient in '/beta'", () => acme.createClient({ input: { tenantPath: '/beta', name: 'sneaky' } })],
      [
        "createUser in '/beta'",
        () => acme.createUser({ input: { tenantPath: '/beta', username: 'mallory', password: 'mallory-password' } }),
      ],
      ["createTenant('/beta/x')", () => acme.createTenant({ input: { path: '/beta/x' } })],
      ["updateTenant('/beta')", () => acme.updateTenant({ path: '/beta', input: { name: 'owned' } })],
      ["deleteTenant('/beta')", () => acme.deleteTenant({ path: '/beta' })],
      ['updateClient(<beta client>)', () => acme.updateClient({ clientId: betaClientId, input: { enabled: false } })],
      ['rotateClientSecret(<root admin>)', () => acme.rotateClientSecret({ clientId: ADMIN_CLIENT_ID })],
      ['deleteClient(<beta client>)', () => acme.deleteClient({ clientId: betaClientId })],
      ['updateUser(<beta user>)', () => acme.updateUser({ id: betaUserId, input: { enabled: false } })],
      ['setUserPassword(<beta user>)', () => acme.setUserPassword({ id: betaUserId, password: 'taken-over-123' })],
      ['deleteUser(<beta user>)', () => acme.deleteUser({ id: betaUserId })],
      ["rotateSigningKey('/beta')", () => acme.rotateSigningKey({ tenantPath: '/beta' })],
    ];
    const outcomes = await Promise.all(outside.map(async ([operation, call]) => [operation, await errorCode(call())]));
    // A tenant whose parent is outside is refused as one whose parent does not exist (path validation).
    expect(outcomes).toEqual(
      outside.map(([operation]) => [operation, operation.startsWith('createTenant') ? 'BAD_USER_INPUT' : 'NOT_FOUND']),
    );

    // Nothing was changed by the refused calls.
    expect((await root.client({ clientId: betaClientId })).client.enabled).toBe(true);
    expect((await root.user({ id: betaUserId })).user.enabled).toBe(true);
    expect((await root.tenant({ path: '/beta' })).tenant.name).toBe('beta');
    expect((await root.clients({ tenantPath: '/beta' })).clients.totalCount).toBe(1);
  });

  it('lets the /acme admin manage its own subtree: /acme/eu and what lives in it', async () => {
    const { createTenant } = await acme.createTenant({ input: { path: '/acme/eu', signingAlgorithm: 'ES256' } });
    expect(createTenant).toMatchObject({ path: '/acme/eu', parentPath: '/acme', name: 'eu', signingAlgorithm: 'ES256' });
    expect((await acme.tenant({ path: '/acme/eu' })).tenant).toEqual(createTenant);

    const { tenants } = await acme.tenants({});
    expect(tenants.nodes.map((tenant) => tenant.path)).toEqual(['/acme', '/acme/eu']);
    expect(tenants.totalCount).toBe(2);

    const eu = await acme.createClient({ input: { tenantPath: '/acme/eu', name: 'EU worker', allowedScopes: ['email'] } });
    expect(eu.createClient.client.tenantPath).toBe('/acme/eu');
    const token = await clientCredentialsToken(t.url, eu.createClient.client.clientId, eu.createClient.clientSecret!);
    const { me } = await createAdminSdk(t.url, token).me();
    expect(me).toMatchObject({ tenantPath: '/acme/eu', scopes: ['email'] });

    const { updateTenant } = await acme.updateTenant({ path: '/acme/eu', input: { name: 'Acme Europe', allowSelfSignup: true } });
    expect(updateTenant).toMatchObject({ path: '/acme/eu', name: 'Acme Europe', allowSelfSignup: true });
  });

  it('sees the whole tree as the root admin', async () => {
    const { tenants } = await root.tenants({});
    expect(tenants.nodes.map((tenant) => tenant.path)).toEqual(['/', '/acme', '/acme/eu', '/beta']);
    expect(tenants.nodes[0]).toMatchObject({ path: '/', parentPath: null });
  });

  // `_` is legal in a segment and a LIKE wildcard: /a_c must not see /abc/….
  it('lists only the caller’s subtree even when its path contains a LIKE wildcard', async () => {
    await root.createTenant({ input: { path: '/a_c' } });
    await root.createTenant({ input: { path: '/abc' } });
    await root.createTenant({ input: { path: '/abc/private' } });
    const { createClient } = await root.createClient({ input: { tenantPath: '/a_c', name: 'a_c admin', allowedScopes: ['admin'] } });
    const underscore = await clientSdk(t.url, createClient.client.clientId, createClient.clientSecret!);
    const { tenants } = await underscore.tenants({});
    expect(tenants.nodes.map((tenant) => tenant.path)).toEqual(['/a_c']);
    expect(tenants.totalCount).toBe(1);
  });

  it('refuses an admin deleting its own tenant', async () => {
    const error = await graphqlError(acme.deleteTenant({ path: '/acme' }));
    expect(error.extensions.code).toBe('FORBIDDEN');
  });
});
