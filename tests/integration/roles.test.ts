import { decodeJwt } from 'jose';
import type { Domain } from '../../src/composition/create-domain';
import type { ChangeBus } from '../../src/domain/changes/change-bus';
import { createAdminSdk, type AdminSdk } from '../../src/sdk/client';
import { rootAdminActor } from '../fixtures/admin-actor';
import { clientHeaders, createTestClient, createTestTenant, type TestClient } from '../fixtures/token-clients';
import { createTestUser } from '../fixtures/test-user';
import { clientSdk, graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { postForm } from '../support/oauth';
import { startServerPair } from '../support/server-pair';
import type { TestServer } from '../support/test-server';

const API = 'https://inventory.example.test';

/** Resolves when `bus` (another process's) has received a `role` change: the signal that its caches dropped the entry. */
const roleChangeOn = (bus: ChangeBus): Promise<void> =>
  new Promise((resolve) => {
    bus.subscribe((event) => {
      if (event.topic === 'role') resolve();
    });
  });

/**
 * Roles: what a token for an API carries follows the subject's roles on every process
 * (two processes on one database: the change reaches the other over the change bus, and
 * its next token reflects it); a role may only grant permissions of its tenant's APIs;
 * the built-in `admin` role is the user's admin flag.
 */
describe('roles', () => {
  let first: TestServer;
  let second: TestServer;
  let domain: Domain;
  let sdk: AdminSdk;
  let service: TestClient;
  let userClient: TestClient;
  let bob: Awaited<ReturnType<typeof createTestUser>>;
  let roleId: string;

  beforeAll(async () => {
    ({ first, second } = await startServerPair());
    domain = first.server.app.domain;
    sdk = await rootAdminSdk(first.url);
    await createTestTenant(domain, '/shop');
    await createTestTenant(domain, '/elsewhere');
    await sdk.createApi({
      input: { tenantPath: '/shop', identifier: API, name: 'Inventory', permissions: [{ name: 'stock:read' }, { name: 'stock:write' }] },
    });
    await sdk.createApi({
      input: {
        tenantPath: '/elsewhere',
        identifier: 'https://elsewhere.example.test',
        name: 'Elsewhere',
        permissions: [{ name: 'secret:read' }],
      },
    });
    roleId = (
      await sdk.createRole({ input: { tenantPath: '/shop', name: 'clerk', permissions: [{ api: API, permission: 'stock:read' }] } })
    ).createRole.id;
    service = await createTestClient(domain, '/shop', 'service', { allowedScopes: [] });
    userClient = await createTestClient(domain, '/shop', 'user', { allowedScopes: ['openid', 'stock:read', 'stock:write'] });
    bob = await createTestUser(domain, '/shop');
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  const serviceScope = async (server: TestServer): Promise<string> => {
    const res = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', resource: API }, clientHeaders(service));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token as string).aud).toBe(API);
    return res.body.scope as string;
  };
  const userScope = async (server: TestServer): Promise<string> => {
    const res = await postForm(
      `${server.url}/token`,
      { grant_type: 'password', username: bob.username, password: bob.password, scope: 'openid stock:read stock:write', resource: API },
      clientHeaders(userClient),
    );
    expect(res.status).toBe(200);
    return decodeJwt(res.body.access_token as string).scope as string;
  };

  it('assigning and unassigning a client’s role changes its next token’s scope on both processes', async () => {
    // Both processes cache the client's (empty) grants first.
    expect(await serviceScope(first)).toBe('');
    expect(await serviceScope(second)).toBe('');

    let arrived = roleChangeOn(second.server.changeBus);
    await sdk.assignRole({ roleId, clientId: service.clientId });
    await arrived;
    expect(await serviceScope(second)).toBe('stock:read');
    expect(await serviceScope(first)).toBe('stock:read');
    expect((await sdk.clientRoles({ clientId: service.clientId })).client.roles.map((r) => r.name)).toEqual(['clerk']);

    // Changing the role's permissions reaches every holder too.
    arrived = roleChangeOn(second.server.changeBus);
    await sdk.updateRole({
      id: roleId,
      input: {
        permissions: [
          { api: API, permission: 'stock:read' },
          { api: API, permission: 'stock:write' },
        ],
      },
    });
    await arrived;
    expect(await serviceScope(second)).toBe('stock:read stock:write');

    arrived = roleChangeOn(second.server.changeBus);
    await sdk.unassignRole({ roleId, clientId: service.clientId });
    await arrived;
    expect(await serviceScope(second)).toBe('');
    expect(await serviceScope(first)).toBe('');
  });

  it('assigning and unassigning a user’s role changes the next user token on both processes (only permissions the client may request)', async () => {
    expect(await userScope(second)).toBe('openid');
    let arrived = roleChangeOn(second.server.changeBus);
    await sdk.assignRole({ roleId, userId: bob.user.id });
    await arrived;
    expect(await userScope(second)).toBe('openid stock:read stock:write');
    expect(await userScope(first)).toBe('openid stock:read stock:write');

    // The client may no longer request stock:write: the user's role alone does not put it in the token.
    await domain.clients.update(await rootAdminActor(domain), userClient.clientId, { allowedScopes: ['openid', 'stock:read'] });
    const narrowed = await postForm(
      `${first.url}/token`,
      { grant_type: 'password', username: bob.username, password: bob.password, scope: 'openid stock:read', resource: API },
      clientHeaders(userClient),
    );
    expect(decodeJwt(narrowed.body.access_token as string).scope).toBe('openid stock:read');
    await domain.clients.update(await rootAdminActor(domain), userClient.clientId, {
      allowedScopes: ['openid', 'stock:read', 'stock:write'],
    });

    arrived = roleChangeOn(second.server.changeBus);
    await sdk.unassignRole({ roleId, userId: bob.user.id });
    await arrived;
    expect(await userScope(second)).toBe('openid');
  });

  it('refuses a role granting another tenant’s permission, or an unknown one, with BAD_USER_INPUT naming the field, writing nothing', async () => {
    const foreign = await graphqlError(
      sdk.createRole({
        input: {
          tenantPath: '/shop',
          name: 'spy',
          permissions: [
            { api: API, permission: 'stock:read' },
            { api: 'https://elsewhere.example.test', permission: 'secret:read' },
          ],
        },
      }),
    );
    expect(foreign.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'permissions[1].api' });
    const unknown = await graphqlError(sdk.updateRole({ id: roleId, input: { permissions: [{ api: API, permission: 'stock:burn' }] } }));
    expect(unknown.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'permissions[0].permission' });
    const roles = (await sdk.roles({ tenantPath: '/shop' })).roles;
    expect(roles.map((r) => r.name)).toEqual(['admin', 'clerk']);
    expect(roles[1]!.permissions).toHaveLength(2);
    const duplicate = await graphqlError(sdk.createRole({ input: { tenantPath: '/shop', name: 'clerk' } }));
    expect(duplicate.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    // Outside the caller's subtree: as if it did not exist.
    const acmeAdmin = await createTestClient(domain, '/elsewhere', 'service', { allowedScopes: ['admin'] });
    const elsewhere = await clientSdk(first.url, acmeAdmin.clientId, acmeAdmin.clientSecret!);
    expect((await graphqlError(elsewhere.role({ id: roleId }))).extensions.code).toBe('NOT_FOUND');
    expect((await graphqlError(elsewhere.roles({ tenantPath: '/shop' }))).extensions.code).toBe('NOT_FOUND');
  });

  it('keeps the admin role working: it is the user’s admin flag, listed in User.roles, toggled by assign and unassign', async () => {
    const carol = await createTestUser(domain, '/shop');
    expect((await sdk.userRoles({ id: carol.user.id })).user.roles).toEqual([]);
    await sdk.assignRole({ roleId: 'admin', userId: carol.user.id });
    expect((await sdk.user({ id: carol.user.id })).user.admin).toBe(true);
    expect((await sdk.userRoles({ id: carol.user.id })).user.roles.map((r) => [r.id, r.builtIn])).toEqual([['admin', true]]);

    // The admin flag still makes a user token with scope admin an admin of the tenant.
    const console = await createTestClient(domain, '/shop', 'user', { allowedScopes: ['openid', 'admin'] });
    const token = await postForm(
      `${first.url}/token`,
      { grant_type: 'password', username: carol.username, password: carol.password, scope: 'admin' },
      clientHeaders(console),
    );
    expect(token.body.scope).toBe('admin');
    const asCarol = createAdminSdk(first.url, token.body.access_token as string);
    expect((await asCarol.me()).me.scopes).toEqual(['admin']);

    await sdk.unassignRole({ roleId: 'admin', userId: carol.user.id });
    expect((await sdk.user({ id: carol.user.id })).user.admin).toBe(false);
    expect((await graphqlError(asCarol.roles({ tenantPath: '/shop' }))).extensions.code).toBe('FORBIDDEN');
    // A client gets scope admin through its allowedScopes, not through the role.
    expect((await graphqlError(sdk.assignRole({ roleId: 'admin', clientId: service.clientId }))).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'roleId',
    });
  });
});
