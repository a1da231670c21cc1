import type { AdminSdk } from '../../src/sdk/client';
import { deviceRefresh, deviceWorld, userTokens, type DeviceWorld } from '../fixtures/device-setup';
import { createTestClient, createTestTenant, serviceToken, type TestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

const PATH = '/api/v2/identity/token/batch-revocation';

/** Waits until the wall clock is in a later second: cutoffs compare whole-second `iat`s. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));

describe('revocation counts and seed 003 batch revocation', () => {
  let t: TestServer;
  let root: AdminSdk;

  const batch = (token: string | null, body: unknown, contentType = 'application/json') =>
    fetch(`${t.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const tenantAdmin = async (tenantPath: string) => {
    const { createClient } = await root.createClient({ input: { tenantPath, name: 'tenant admin', allowedScopes: ['admin'] } });
    return { clientId: createClient.client.clientId, clientSecret: createClient.clientSecret } as TestClient;
  };

  /** 3 client_credentials tokens, a password grant (access + refresh) and a device set (refresh + one device access token): 7 live tokens. */
  const issueSeven = async (world: DeviceWorld) => {
    const service = await createTestClient(t.server.app.domain, world.tenantPath);
    for (let i = 0; i < 3; i++) await serviceToken(t.url, service);
    return { service, tokens: await userTokens(t.url, world) };
  };

  beforeAll(async () => {
    t = await startTestServer();
    root = await rootAdminSdk(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts exactly the still-usable tokens it made inactive, once', async () => {
    const world = await deviceWorld(t.server.app.domain, '/batch');
    await issueSeven(world);
    const admin = await tenantAdmin('/batch');
    const bearer = await serviceToken(t.url, admin);
    const res = await batch(bearer, { creationBefore: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The seven, plus the admin's own bearer token (it is in the tenant too).
    expect(await res.json()).toEqual({ count: 8 });
    await nextSecond();
    const again = await batch(await serviceToken(t.url, admin), { creationBefore: new Date().toISOString() });
    // Only the new bearer token is still usable.
    expect(await again.json()).toEqual({ count: 1 });
  });

  it('leaves tokens issued after creationBefore and outside the subtree alone', async () => {
    const world = await deviceWorld(t.server.app.domain, '/later');
    const sibling = await deviceWorld(t.server.app.domain, '/sibling');
    await issueSeven(sibling);
    const before = new Date();
    await nextSecond();
    const { service, tokens } = await issueSeven(world);
    expect((await root.revokeTokensIssuedBefore({ tenantPath: '/later', before: before.toISOString() })).revokeTokensIssuedBefore).toBe(0);
    expect((await deviceRefresh(t.url, tokens.deviceRefreshToken, tokens.deviceId)).status).toBe(200);
    expect(
      (
        await postForm(
          `${t.url}/introspect`,
          { token: tokens.accessToken },
          { authorization: `Basic ${Buffer.from(`${service.clientId}:${service.clientSecret}`).toString('base64')}` },
        )
      ).body.active,
    ).toBe(true);
    // The device refresh just now issued an eighth token; the sibling tenant's seven are not in /later's subtree.
    expect(
      (await root.revokeTokensIssuedBefore({ tenantPath: '/later', before: new Date(Date.now() + 1000).toISOString() }))
        .revokeTokensIssuedBefore,
    ).toBe(8);
    expect(
      (await root.revokeTokensIssuedBefore({ tenantPath: '/sibling', before: new Date().toISOString() })).revokeTokensIssuedBefore,
    ).toBe(7);
  });

  it('counts per user, per client, per token and per device without counting anything twice', async () => {
    const world = await deviceWorld(t.server.app.domain, '/scopes');
    const { service, tokens } = await issueSeven(world);
    // Password grant access token alone: 1; then its family (the refresh token; the access token is already revoked): 1.
    expect((await root.revokeTokenCount({ token: tokens.accessToken })).revokeTokenCount).toBe(1);
    expect((await root.revokeTokenCount({ token: tokens.accessToken })).revokeTokenCount).toBe(0);
    expect((await root.revokeTokenCount({ token: tokens.refreshToken, tokenTypeHint: 'refresh_token' })).revokeTokenCount).toBe(1);
    // The user still holds the device: its refresh token and its access token.
    expect((await root.revokeUserTokens({ userId: world.userId })).revokeUserTokens).toBe(2);
    expect((await root.revokeUserTokens({ userId: world.userId })).revokeUserTokens).toBe(0);
    expect((await root.revokeDevice({ id: tokens.deviceId })).revokeDevice).toBe(0);
    // The service client's three client_credentials tokens.
    expect((await root.revokeClientTokens({ clientId: service.clientId })).revokeClientTokens).toBe(3);
    expect((await root.revokeClientTokens({ clientId: service.clientId })).revokeClientTokens).toBe(0);
  });

  it('does not count again an access token revoked through POST /revoke (RFC 7009)', async () => {
    const world = await deviceWorld(t.server.app.domain, '/rfc7009');
    const service = await createTestClient(t.server.app.domain, world.tenantPath);
    const first = await serviceToken(t.url, service);
    for (let i = 0; i < 2; i++) await serviceToken(t.url, service);
    const basic = { authorization: `Basic ${Buffer.from(`${service.clientId}:${service.clientSecret}`).toString('base64')}` };
    expect((await postForm(`${t.url}/revoke`, { token: first, token_type_hint: 'access_token' }, basic)).status).toBe(200);
    // The one revocation path for an access token takes it out of the issuance counters: two are left.
    expect((await root.revokeClientTokens({ clientId: service.clientId })).revokeClientTokens).toBe(2);
  });

  it('takes `_` in a tenant path literally: /acme_eu does not reach /acme-eu/shop', async () => {
    // In LIKE, `_` matches any one character, so an unescaped `/acme_eu/%` also matches `/acme-eu/shop`.
    await createTestTenant(t.server.app.domain, '/acme-eu');
    const shop = await deviceWorld(t.server.app.domain, '/acme-eu/shop');
    const { service, tokens } = await issueSeven(shop);
    await createTestTenant(t.server.app.domain, '/acme_eu');
    const admin = await tenantAdmin('/acme_eu');
    const res = await batch(await serviceToken(t.url, admin), { creationBefore: new Date(Date.now() + 3_600_000).toISOString() });
    // Only the admin's own bearer token lives in /acme_eu's subtree.
    expect(await res.json()).toEqual({ count: 1 });
    // /acme_eu's cutoff does not apply to /acme-eu/shop: its tokens stay usable and /acme-eu still counts them.
    const basic = `Basic ${Buffer.from(`${service.clientId}:${service.clientSecret}`).toString('base64')}`;
    expect((await postForm(`${t.url}/introspect`, { token: tokens.accessToken }, { authorization: basic })).body.active).toBe(true);
    expect(
      (await root.revokeTokensIssuedBefore({ tenantPath: '/acme-eu', before: new Date(Date.now() + 1000).toISOString() }))
        .revokeTokensIssuedBefore,
    ).toBe(7);
  });

  it('answers ServerPluginError for a malformed date (400), no or a bad bearer (401) and a non-admin bearer (403)', async () => {
    const admin = await tenantAdmin('/');
    const bearer = await serviceToken(t.url, admin);
    const shape = { code: expect.any(String), message: expect.any(String), context: PATH, innerError: null, extensions: expect.anything() };
    const expectError = async (res: Response, status: number) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['code', 'context', 'extensions', 'innerError', 'message']);
      expect(body).toMatchObject({ ...shape, extensions: body.extensions });
    };
    for (const body of [{ creationBefore: 'yesterday' }, { creationBefore: '2026-13-45T99:00:00Z' }, {}, { creationBefore: 12 }])
      await expectError(await batch(bearer, body), 400);
    await expectError(await batch(bearer, '{not json'), 400);
    await expectError(await batch(null, { creationBefore: new Date().toISOString() }), 401);
    await expectError(await batch('not-a-token', { creationBefore: new Date().toISOString() }), 401);
    const world = await deviceWorld(t.server.app.domain, '/nonadmin');
    const plain = await serviceToken(t.url, world.rs);
    await expectError(await batch(plain, { creationBefore: new Date().toISOString() }), 403);
    const user = await userTokens(t.url, world);
    await expectError(await batch(user.accessToken, { creationBefore: new Date().toISOString() }), 403);
  });
});
