import pino from 'pino';
import { decodeJwt } from 'jose';
import { createAdminSdk } from '../../src/sdk/client';
import { deviceRefresh, deviceRefreshPost, deviceWorld, userTokens, type DeviceWorld } from '../fixtures/device-setup';
import { createTestClient, passwordTokens } from '../fixtures/token-clients';
import { errorCode, rootAdminSdk } from '../support/admin-sdk';
import { postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

describe('seed 002 device token sets', () => {
  let t: TestServer;
  let world: DeviceWorld;

  beforeAll(async () => {
    t = await startTestServer();
    world = await deviceWorld(t.server.app.domain, '/dev');
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a device set once the password is confirmed, and refreshes it with exactly the seed 002 shape', async () => {
    const tokens = await userTokens(t.url, world);
    const idClaims = decodeJwt(tokens.deviceIdToken);
    expect(idClaims).toMatchObject({ aud: world.app.clientId, sub: world.userId, device_id: tokens.deviceId, tenant: '/dev' });
    expect(idClaims.exp! - idClaims.iat!).toBe(86_400);
    for (const [param, path] of [
      ['device_id', '/token'],
      ['device_key', '/tokens'],
      ['device_id', '/tokens'],
    ] as const) {
      const res = await deviceRefresh(t.url, tokens.deviceRefreshToken, tokens.deviceId, param, path);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(res.body).sort()).toEqual(['AccessToken', 'ExpiresIn', 'IdToken', 'TokenType']);
      expect(res.body).toMatchObject({ ExpiresIn: 86_400, TokenType: 'Bearer' });
      const access = decodeJwt(String(res.body.AccessToken));
      expect(access).toMatchObject({ device_id: tokens.deviceId, sub: world.userId, client_id: world.app.clientId });
      expect(access.exp! - access.iat!).toBe(86_400);
      expect(decodeJwt(String(res.body.IdToken))).toMatchObject({ device_id: tokens.deviceId, aud: world.app.clientId });
      const userinfo = await fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${String(res.body.AccessToken)}` } });
      expect(userinfo.status).toBe(200);
    }
    // Form POSTs keep the refresh token out of query strings: /tokens, and /token without grant_type.
    for (const path of ['/tokens', '/token']) {
      const res = await deviceRefreshPost(t.url, { refresh_token: tokens.deviceRefreshToken, device_key: tokens.deviceId }, path);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['AccessToken', 'ExpiresIn', 'IdToken', 'TokenType']);
    }
    const { me } = await createAdminSdk(t.url, tokens.accessToken).myDevices();
    const device = me.devices.nodes.find((node) => node.id === tokens.deviceId);
    expect(device).toMatchObject({ name: 'laptop', clientId: world.app.clientId, revokedAt: null });
    expect(device?.lastUsedAt).not.toBeNull();
  });

  it('refuses another device’s id, an unknown id, a revoked device and the refresh_token grant with invalid_grant', async () => {
    const a = await userTokens(t.url, world);
    const b = await userTokens(t.url, world);
    const cases: [string, string][] = [
      [a.deviceRefreshToken, b.deviceId],
      [a.deviceRefreshToken, '00000000-0000-4000-8000-000000000000'],
      [a.deviceRefreshToken, 'not-a-uuid'],
      [a.refreshToken, a.deviceId],
    ];
    for (const [refreshToken, deviceId] of cases) {
      const res = await deviceRefresh(t.url, refreshToken, deviceId);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    }
    const missing = await fetch(`${t.url}/token?refresh_token=x`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    const grant = await postForm(
      `${t.url}/token`,
      { grant_type: 'refresh_token', refresh_token: a.deviceRefreshToken },
      { authorization: `Basic ${Buffer.from(`${world.app.clientId}:${world.app.clientSecret}`).toString('base64')}` },
    );
    expect(grant.body).toMatchObject({ error: 'invalid_grant' });
    expect((await deviceRefresh(t.url, a.deviceRefreshToken, a.deviceId)).status).toBe(200);

    const count = (await createAdminSdk(t.url, a.accessToken).revokeDevice({ id: a.deviceId })).revokeDevice;
    // The device refresh token and the two access tokens it issued (at setup and just now).
    expect(count).toBe(3);
    expect((await deviceRefresh(t.url, a.deviceRefreshToken, a.deviceId)).body).toMatchObject({ error: 'invalid_grant' });
    expect((await createAdminSdk(t.url, a.accessToken).revokeDevice({ id: a.deviceId })).revokeDevice).toBe(0);
    // The other device and the user's own tokens are untouched.
    expect((await deviceRefresh(t.url, b.deviceRefreshToken, b.deviceId)).status).toBe(200);
  });

  it('needs the password, a user token and a client allowed device_tokens', async () => {
    const tokens = await passwordTokens(t.url, world.app, world.username, world.password, 'openid', { tenant_path: '/dev' });
    expect(await errorCode(createAdminSdk(t.url, tokens.access_token).createDevice({ name: 'x', password: 'wrong password' }))).toBe(
      'BAD_USER_INPUT',
    );
    const plain = await createTestClient(t.server.app.domain, '/dev', 'user');
    const plainTokens = await passwordTokens(t.url, plain, world.username, world.password, 'openid', { tenant_path: '/dev' });
    expect(await errorCode(createAdminSdk(t.url, plainTokens.access_token).createDevice({ name: 'x', password: world.password }))).toBe(
      'FORBIDDEN',
    );
    expect(await errorCode((await rootAdminSdk(t.url)).createDevice({ name: 'x', password: world.password }))).toBe('FORBIDDEN');
  });

  it('takes device_tokens as a client setting but never as a grant_type of /token', async () => {
    const res = await postForm<{ error: string }>(`${t.url}/token`, {
      grant_type: 'device_tokens',
      client_id: world.app.clientId,
      client_secret: world.app.clientSecret!,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
    const root = await rootAdminSdk(t.url);
    expect(await errorCode(root.createClient({ input: { tenantPath: '/dev', name: 'bogus', grantTypes: ['device_token'] } }))).toBe(
      'BAD_USER_INPUT',
    );
    const { createClient } = await root.createClient({
      input: { tenantPath: '/dev', name: 'devices', grantTypes: ['password', 'device_tokens'] },
    });
    expect(createClient.client.grantTypes).toEqual(['password', 'device_tokens']);
  });

  it('lets admins list and revoke devices within their subtree only', async () => {
    const tokens = await userTokens(t.url, world);
    const root = await rootAdminSdk(t.url);
    const page = (await root.devices({ userId: world.userId, first: 1 })).devices;
    expect(page.totalCount).toBeGreaterThanOrEqual(1);
    expect(page.nodes).toHaveLength(1);
    expect(page.pageInfo.hasNextPage).toBe(page.totalCount > 1);
    const other = await deviceWorld(t.server.app.domain, '/dev-other');
    const { createClient } = await root.createClient({
      input: { tenantPath: '/dev-other', name: 'other admin', allowedScopes: ['admin'] },
    });
    const otherAdmin = createAdminSdk(
      t.url,
      (
        await postForm<{ access_token: string }>(`${t.url}/token`, {
          grant_type: 'client_credentials',
          client_id: createClient.client.clientId,
          client_secret: createClient.clientSecret!,
        })
      ).body.access_token,
    );
    expect(await errorCode(otherAdmin.devices({ userId: world.userId }))).toBe('NOT_FOUND');
    expect(await errorCode(otherAdmin.revokeDevice({ id: tokens.deviceId }))).toBe('NOT_FOUND');
    expect((await otherAdmin.devices({ userId: other.userId })).devices.totalCount).toBe(0);
    expect((await root.revokeDevice({ id: tokens.deviceId })).revokeDevice).toBe(2);
  });

  it('shows a device as revoked when its refresh token was revoked through RFC 7009', async () => {
    const tokens = await userTokens(t.url, world);
    const revoked = await postForm(
      `${t.url}/revoke`,
      { token: tokens.deviceRefreshToken },
      { authorization: `Basic ${Buffer.from(`${world.app.clientId}:${world.app.clientSecret}`).toString('base64')}` },
    );
    expect(revoked.status).toBe(200);
    expect((await deviceRefresh(t.url, tokens.deviceRefreshToken, tokens.deviceId)).status).toBe(400);
    const { me } = await createAdminSdk(t.url, tokens.accessToken).myDevices({ first: 100 });
    expect(me.devices.nodes.find((node) => node.id === tokens.deviceId)?.revokedAt).not.toBeNull();
  });
});

describe('device refresh and the access log', () => {
  it('never logs the query string (refresh token, device id) of GET /token and /tokens', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const t = await startTestServer({ logger });
    try {
      const world = await deviceWorld(t.server.app.domain, '/logged');
      const tokens = await userTokens(t.url, world);
      await deviceRefresh(t.url, tokens.deviceRefreshToken, tokens.deviceId, 'device_key', '/tokens');
      await deviceRefresh(t.url, 'wrong-token', tokens.deviceId);
      const access = lines.filter((line) => line.includes('"request completed"') && line.includes('/token'));
      expect(access.some((line) => line.includes('"method":"GET"') && line.includes('"url":"/tokens"'))).toBe(true);
      expect(access.some((line) => line.includes('"method":"GET"') && line.includes('"url":"/token"'))).toBe(true);
      const all = lines.join('\n');
      for (const secret of [tokens.deviceRefreshToken, tokens.deviceId, 'wrong-token', 'refresh_token=']) expect(all).not.toContain(secret);
    } finally {
      await t.close();
    }
  });
});
