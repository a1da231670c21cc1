import { createAdminSdk, type AdminSdk } from '../../src/sdk/client';
import { deviceRefresh, deviceWorld, userTokens, type DeviceWorld, type UserTokens } from '../fixtures/device-setup';
import { clientHeaders, createTestClient, requestTokens } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * docs/contract.md "Tokens" (revocation is enforced): every revocation kind × every
 * verification path, through the HTTP surface on a real database.
 */
describe('revocation by every scope × every verification path', () => {
  let t: TestServer;
  let root: AdminSdk;

  beforeAll(async () => {
    t = await startTestServer();
    root = await rootAdminSdk(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  type Path = (world: DeviceWorld, tokens: UserTokens, which: 'user' | 'device') => Promise<boolean>;
  const accessToken = (tokens: UserTokens, which: 'user' | 'device') => (which === 'user' ? tokens.accessToken : tokens.deviceAccessToken);
  const paths: Record<string, Path> = {
    introspection: async (world, tokens, which) => {
      const res = await postForm(`${t.url}/introspect`, { token: accessToken(tokens, which) }, clientHeaders(world.rs));
      return res.body.active === true;
    },
    userinfo: async (_world, tokens, which) =>
      (await fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken(tokens, which)}` } })).status === 200,
    seed001Api: async (_world, tokens, which) =>
      (await fetch(`${t.url}/api`, { method: 'POST', headers: { authorization: `Bearer ${accessToken(tokens, which)}` } })).status === 200,
    graphqlBearer: async (_world, tokens, which) => {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken(tokens, which)}` },
        body: JSON.stringify({ query: '{ me { subject } }' }),
      });
      const body = (await res.json()) as { data?: { me?: { subject: string } } };
      return Boolean(body.data?.me?.subject);
    },
    refreshGrant: async (world, tokens, which) => {
      if (which === 'device') return (await deviceRefresh(t.url, tokens.deviceRefreshToken, tokens.deviceId)).status === 200;
      const res = await postForm<{ refresh_token?: string }>(
        `${t.url}/token`,
        { grant_type: 'refresh_token', refresh_token: tokens.refreshToken },
        clientHeaders(world.app),
      );
      if (res.status === 200) tokens.refreshToken = res.body.refresh_token!;
      return res.status === 200;
    },
    deviceRefresh: async (_world, tokens) => (await deviceRefresh(t.url, tokens.deviceRefreshToken, tokens.deviceId)).status === 200,
  };

  interface Kind {
    name: string;
    revoke: (world: DeviceWorld, tokens: UserTokens) => Promise<unknown>;
    /** Which of the world's tokens must end up inactive; the others must stay active. */
    kills: ('user' | 'device')[];
  }
  const kinds: Kind[] = [
    {
      name: 'revokeToken (access, refresh and device refresh token)',
      revoke: async (_w, tokens) => {
        for (const token of [tokens.accessToken, tokens.refreshToken, tokens.deviceRefreshToken]) await root.revokeTokenCount({ token });
      },
      kills: ['user', 'device'],
    },
    { name: 'revokeDevice', revoke: (_w, tokens) => root.revokeDevice({ id: tokens.deviceId }), kills: ['device'] },
    { name: 'revokeUserTokens', revoke: (world) => root.revokeUserTokens({ userId: world.userId }), kills: ['user', 'device'] },
    { name: 'revokeClientTokens', revoke: (world) => root.revokeClientTokens({ clientId: world.app.clientId }), kills: ['user', 'device'] },
    {
      name: 'revokeTokensIssuedBefore',
      revoke: (world) =>
        root.revokeTokensIssuedBefore({ tenantPath: world.tenantPath, before: new Date(Date.now() + 60_000).toISOString() }),
      kills: ['user', 'device'],
    },
    {
      name: 'seed 003 batch revocation (POST /api/v2/identity/token/batch-revocation by an admin of the tenant)',
      revoke: async (world) => {
        const ops = await createTestClient(t.server.app.domain, world.tenantPath, 'service', { allowedScopes: ['admin'] });
        const bearer = (await requestTokens(t.url, ops, { grant_type: 'client_credentials', scope: 'admin' })).access_token;
        const res = await fetch(`${t.url}/api/v2/identity/token/batch-revocation`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ creationBefore: new Date(Date.now() + 60_000).toISOString() }),
        });
        expect(res.status).toBe(200);
      },
      kills: ['user', 'device'],
    },
    {
      name: 'disable the user',
      revoke: (world) => root.updateUser({ id: world.userId, input: { enabled: false } }),
      kills: ['user', 'device'],
    },
    {
      name: 'disable the client',
      revoke: (world) => root.updateClient({ clientId: world.app.clientId, input: { enabled: false } }),
      kills: ['user', 'device'],
    },
  ];

  it.each(kinds.map((kind, i) => [kind.name, kind, i] as const))(
    '%s is enforced by introspection, /userinfo, seed 001 /api, GraphQL, the refresh grant and device refresh',
    async (_name, kind, i) => {
      const world = await deviceWorld(t.server.app.domain, `/rev${i}`);
      const tokens = await userTokens(t.url, world);
      const check = async (which: 'user' | 'device') =>
        Object.fromEntries(
          await Promise.all(
            Object.entries(paths)
              .filter(([name]) => which === 'user' || name !== 'deviceRefresh')
              .map(async ([name, path]) => [name, await path(world, tokens, which)] as const),
          ),
        );
      const allActive = Object.fromEntries(Object.keys(paths).map((name) => [name, true]));
      expect(await check('user')).toEqual(allActive);
      await kind.revoke(world, tokens);
      const alive = (which: 'user' | 'device') => !kind.kills.includes(which);
      // The user's row: its access and refresh tokens, plus the device refresh; the device row: the device's access token and refresh.
      expect(await check('user')).toEqual({
        introspection: alive('user'),
        userinfo: alive('user'),
        seed001Api: alive('user'),
        graphqlBearer: alive('user'),
        refreshGrant: alive('user'),
        deviceRefresh: alive('device'),
      });
      expect(await check('device')).toEqual({
        introspection: alive('device'),
        userinfo: alive('device'),
        seed001Api: alive('device'),
        graphqlBearer: alive('device'),
        refreshGrant: alive('device'),
      });
    },
  );

  it('keeps a disabled-then-enabled user’s and client’s old tokens revoked', async () => {
    const world = await deviceWorld(t.server.app.domain, '/reenable');
    const tokens = await userTokens(t.url, world);
    await root.updateUser({ id: world.userId, input: { enabled: false } });
    await root.updateUser({ id: world.userId, input: { enabled: true } });
    expect(await paths.introspection!(world, tokens, 'user')).toBe(false);
    expect(await paths.deviceRefresh!(world, tokens, 'device')).toBe(false);
    expect(await paths.refreshGrant!(world, tokens, 'user')).toBe(false);
  });

  it('makes the same GraphQL and REST refusals for an admin outside the tenant', async () => {
    const world = await deviceWorld(t.server.app.domain, '/fence');
    const { createClient } = await root.createClient({ input: { tenantPath: '/fence', name: 'fence admin', allowedScopes: ['admin'] } });
    const token = (
      await postForm<{ access_token: string }>(`${t.url}/token`, {
        grant_type: 'client_credentials',
        client_id: createClient.client.clientId,
        client_secret: createClient.clientSecret!,
      })
    ).body.access_token;
    const fenced = createAdminSdk(t.url, token);
    await expect(fenced.revokeUserTokens({ userId: world.userId })).resolves.toEqual({ revokeUserTokens: expect.any(Number) });
    await expect(fenced.revokeTokensIssuedBefore({ tenantPath: '/', before: new Date().toISOString() })).rejects.toThrow();
  });
});
