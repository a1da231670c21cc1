import { randomBytes } from 'node:crypto';
import { createAdminSdk, type AdminSdk } from '../../src/sdk/client';
import { registerClient, registerUser, seed001Client, seed001User } from '../fixtures/seed001';
import { passwordTokens, type TestClient } from '../fixtures/token-clients';
import { errorCode, rootAdminSdk } from '../support/admin-sdk';
import { startTestServer, type TestServer } from '../support/test-server';

/** Issue 13: a user holding the admin role administers its tenant's subtree through a user token with scope `admin`. */
describe('human administrators', () => {
  let t: TestServer;
  let root: AdminSdk;
  let signIn: TestClient;
  const password = 'correct horse battery staple';

  /** A user token from the password grant of a client in `/` that is allowed scope `admin`. */
  const userToken = async (username: string, tenantPath: string, scope = 'admin'): Promise<{ token: string; scope: string }> => {
    const tokens = await passwordTokens(t.url, signIn, username, password, scope, { tenant_path: tenantPath });
    return { token: tokens.access_token, scope: tokens.scope };
  };
  const userSdk = async (username: string, tenantPath: string): Promise<AdminSdk> =>
    createAdminSdk(t.url, (await userToken(username, tenantPath)).token);

  beforeAll(async () => {
    t = await startTestServer();
    root = await rootAdminSdk(t.url);
    for (const path of ['/acme', '/acme/eu', '/beta']) await root.createTenant({ input: { path } });
    const { createClient } = await root.createClient({
      input: { tenantPath: '/', name: 'sign-in', grantTypes: ['password'], allowedScopes: ['admin', 'openid'] },
    });
    signIn = { clientId: createClient.client.clientId, clientSecret: createClient.clientSecret };
    await root.createUser({ input: { tenantPath: '/acme', username: 'ada', password, admin: true } });
    await root.createUser({ input: { tenantPath: '/acme', username: 'bob', password } });
    await root.createUser({ input: { tenantPath: '/beta', username: 'cy', password } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('exposes User.admin, set through createUser and updateUser by an admin', async () => {
    const { users } = await root.users({ tenantPath: '/acme', first: 10 });
    expect(Object.fromEntries(users.nodes.map((u) => [u.username, u.admin]))).toEqual({ ada: true, bob: false });
  });

  it('grants scope admin only to a user holding the role', async () => {
    expect((await userToken('ada', '/acme', 'admin openid')).scope.split(' ').sort()).toEqual(['admin', 'openid']);
    expect((await userToken('bob', '/acme', 'admin openid')).scope).toBe('openid');
  });

  it('lets a user admin administer its own subtree exactly like an admin client', async () => {
    const ada = await userSdk('ada', '/acme');
    const { me } = await ada.me();
    expect(me).toMatchObject({ tenantPath: '/acme', scopes: ['admin'], clientId: signIn.clientId });
    expect(me.userId).toEqual(expect.any(String));
    const { createUser } = await ada.createUser({ input: { tenantPath: '/acme/eu', username: 'eve', password } });
    expect(createUser).toMatchObject({ tenantPath: '/acme/eu', admin: false });
    const { tenants } = await ada.tenants({ first: 50 });
    expect(tenants.nodes.map((tenant) => tenant.path).sort()).toEqual(['/acme', '/acme/eu']);
    // Its mutations are in the audit trail under the user.
    const { auditEvents } = await root.auditEvents({ tenantPath: '/acme', action: 'createUser', first: 10 });
    expect(auditEvents.nodes.find((event) => event.targetId === createUser.id)).toMatchObject({ actorKind: 'user', actorId: me.userId });
  });

  it('never lets a user admin reach a sibling or the parent tenant, nor grant the role there', async () => {
    const ada = await userSdk('ada', '/acme');
    const { users } = await root.users({ tenantPath: '/beta', first: 10 });
    const cy = users.nodes.find((u) => u.username === 'cy')!;
    // Outside its subtree everything is answered as if it did not exist.
    expect(await errorCode(ada.users({ tenantPath: '/beta', first: 10 }))).toBe('NOT_FOUND');
    expect(await errorCode(ada.updateUser({ id: cy.id, input: { admin: true } }))).toBe('NOT_FOUND');
    expect(await errorCode(ada.createUser({ input: { tenantPath: '/', username: 'mallory', password, admin: true } }))).toBe('NOT_FOUND');
    expect(await errorCode(ada.clients({ tenantPath: '/', first: 10 }))).toBe('NOT_FOUND');
    expect(await errorCode(ada.clients({ tenantPath: '/beta', first: 10 }))).toBe('NOT_FOUND');
    expect(await errorCode(ada.signingKeys({ tenantPath: '/beta' }))).toBe('NOT_FOUND');
    expect(await errorCode(ada.auditEvents({ tenantPath: '/beta', first: 10 }))).toBe('NOT_FOUND');
    expect(await errorCode(ada.user({ id: cy.id }))).toBe('NOT_FOUND');
    // Its default audit view is its own subtree: /beta's rows (creating cy) never appear.
    const { auditEvents } = await ada.auditEvents({ first: 100 });
    expect(auditEvents.nodes.length).toBeGreaterThan(0);
    expect(auditEvents.nodes.every((event) => event.tenantPath === '/acme' || event.tenantPath.startsWith('/acme/'))).toBe(true);
    expect((await root.user({ id: cy.id })).user.admin).toBe(false);
  });

  it('lets a user admin grant the role inside its subtree, and that admin is confined to its own tenant', async () => {
    const ada = await userSdk('ada', '/acme');
    const { users } = await ada.users({ tenantPath: '/acme/eu', first: 10 });
    const eve = users.nodes.find((u) => u.username === 'eve')!;
    expect((await ada.updateUser({ id: eve.id, input: { admin: true } })).updateUser.admin).toBe(true);
    const eveSdk = await userSdk('eve', '/acme/eu');
    expect((await eveSdk.users({ tenantPath: '/acme/eu', first: 10 })).users.totalCount).toBe(1);
    expect(await errorCode(eveSdk.users({ tenantPath: '/acme', first: 10 }))).toBe('NOT_FOUND');
  });

  it('accepts a user admin at seed 001 /register_user and /register_client exactly as GraphQL does, inside its subtree only', async () => {
    /** Seed 001's failure shape. */
    const failed = (error: string) => ({ status: 'FAILED', message: expect.any(String), error, error_description: expect.any(String) });
    const { token } = await userToken('ada', '/acme');
    const own = await registerUser(t.url, { ...seed001User() }, token);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ status: 'SUCCESS', message: 'register user successfully', tenant_path: '/acme' });
    expect((await registerUser(t.url, { ...seed001User(), tenant_path: '/acme/eu' }, token)).body).toMatchObject({
      status: 'SUCCESS',
      tenant_path: '/acme/eu',
    });
    const client = await registerClient(t.url, { ...seed001Client('http://localhost:3000/callback') }, token);
    expect(client.status).toBe(200);
    expect(client.body.tenant_path).toBe('/acme');
    // Outside its subtree: as for a tenant that does not exist (404), as for an admin client.
    const outside = await registerUser(t.url, { ...seed001User(), tenant_path: '/beta' }, token);
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual({ ...failed('invalid_request'), message: 'tenant "/beta" not found' });
    // A user without the role: the seed's 403.
    const bob = await registerUser(t.url, { ...seed001User() }, (await userToken('bob', '/acme')).token);
    expect(bob.status).toBe(403);
    expect(bob.body).toEqual(failed('access_denied'));
  });

  it('accepts a user admin at seed 003 batch revocation as well (the same actor as GraphQL)', async () => {
    const batch = async (token: string) =>
      fetch(`${t.url}/api/v2/identity/token/batch-revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ creationBefore: '2000-01-01T00:00:00Z' }),
      });
    const ada = await batch((await userToken('ada', '/acme')).token);
    expect(ada.status).toBe(200);
    expect(await ada.json()).toEqual({ count: 0 });
    expect((await batch((await userToken('bob', '/acme')).token)).status).toBe(403);
  });

  it('refuses a user without the role whatever its token asked for', async () => {
    const bob = await userSdk('bob', '/acme');
    expect((await bob.me()).me.scopes).toEqual([]);
    expect(await errorCode(bob.users({ tenantPath: '/acme', first: 10 }))).toBe('FORBIDDEN');
    expect(await errorCode(bob.createUser({ input: { tenantPath: '/acme', username: 'bobby', password, admin: true } }))).toBe('FORBIDDEN');
  });

  it('ends a removed role at once, for tokens already issued', async () => {
    await root.createUser({ input: { tenantPath: '/acme', username: 'dan', password, admin: true } });
    const dan = await userSdk('dan', '/acme');
    expect((await dan.users({ tenantPath: '/acme', first: 10 })).users.totalCount).toBeGreaterThan(0);
    const { users } = await root.users({ tenantPath: '/acme', first: 20 });
    const danId = users.nodes.find((u) => u.username === 'dan')!.id;

    await root.updateUser({ id: danId, input: { admin: false } });
    expect(await errorCode(dan.users({ tenantPath: '/acme', first: 10 }))).toBe('FORBIDDEN');
    expect((await dan.me()).me.scopes).toEqual([]);

    await root.updateUser({ id: danId, input: { admin: true } });
    expect((await dan.users({ tenantPath: '/acme', first: 10 })).users.totalCount).toBeGreaterThan(0);
  });

  it('ends a disabled admin at once', async () => {
    await root.createUser({ input: { tenantPath: '/acme', username: 'fay', password, admin: true } });
    const fay = await userSdk('fay', '/acme');
    const { users } = await root.users({ tenantPath: '/acme', first: 20 });
    const fayId = users.nodes.find((u) => u.username === 'fay')!.id;
    await root.updateUser({ id: fayId, input: { enabled: false } });
    expect(await errorCode(fay.users({ tenantPath: '/acme', first: 10 }))).toBe('UNAUTHENTICATED');
  });

  it('ends a user token’s admin scope when its client loses scope admin', async () => {
    const ada = await userSdk('ada', '/acme');
    await root.updateClient({ clientId: signIn.clientId, input: { allowedScopes: ['openid'] } });
    try {
      expect(await errorCode(ada.users({ tenantPath: '/acme', first: 10 }))).toBe('FORBIDDEN');
    } finally {
      await root.updateClient({ clientId: signIn.clientId, input: { allowedScopes: ['admin', 'openid'] } });
    }
  });
});

describe('bootstrap human admin (ADMIN_USERNAME / ADMIN_PASSWORD)', () => {
  it('creates the first human admin of / once, and a console client that signs it in with scope admin', async () => {
    // One deployment restarted: the same SECRET_KEY on both starts (a start missing the key its data is sealed under stops).
    const env = { ADMIN_USERNAME: 'root-admin', ADMIN_PASSWORD: 'bootstrap-password-1', SECRET_KEY: randomBytes(32).toString('base64') };
    const first = await startTestServer({ env });
    try {
      expect(first.server.bootstrap).toMatchObject({ createdAdminUser: true });
      expect(first.server.bootstrap?.generatedAdminPassword).toBeUndefined();
      const root = await rootAdminSdk(first.url);
      const { users } = await root.users({ tenantPath: '/', first: 10 });
      expect(users.nodes.map((u) => [u.username, u.admin])).toEqual([['root-admin', true]]);
      const { client } = await root.client({ clientId: 'console' });
      expect(client).toMatchObject({
        tenantPath: '/',
        isPublic: true,
        firstParty: true,
        redirectUris: [`${first.issuer}/console/callback`],
        grantTypes: ['authorization_code', 'refresh_token'],
      });
      expect(client.allowedScopes).toContain('admin');

      const again = await startTestServer({ env: { ...env, ADMIN_PASSWORD: 'another-password-2' }, databaseUrl: first.databaseUrl });
      try {
        expect(again.server.bootstrap).toMatchObject({ createdAdminUser: false });
        expect((await root.users({ tenantPath: '/', first: 10 })).users.totalCount).toBe(1);
        // A new ISSUER's callback is added to the console client.
        const { client: updated } = await root.client({ clientId: 'console' });
        expect(updated.redirectUris).toEqual([`${first.issuer}/console/callback`, `${again.issuer}/console/callback`]);
      } finally {
        await again.close();
      }
    } finally {
      await first.close();
    }
  });

  it('generates a password, returned once, when ADMIN_PASSWORD is unset', async () => {
    const t = await startTestServer({ env: { ADMIN_USERNAME: 'ops' } });
    try {
      expect(t.server.bootstrap?.generatedAdminPassword).toEqual(expect.any(String));
      expect(t.server.bootstrap!.generatedAdminPassword!.length).toBeGreaterThanOrEqual(20);
    } finally {
      await t.close();
    }
  });
});
