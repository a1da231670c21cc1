import { rootAdminActor } from '../fixtures/admin-actor';
import { deviceRefresh, deviceWorld, userTokens, type DeviceWorld, type UserTokens } from '../fixtures/device-setup';
import { clientHeaders } from '../fixtures/token-clients';
import { postForm } from '../support/oauth';
import { cutChangeBus, startServerPair } from '../support/server-pair';
import type { TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/**
 * A verified device refresh token is remembered (VerifiedDeviceTokens), so a
 * warm seed 002 device refresh reads no database. Two servers on one
 * database: whatever revokes the device, its family, user, client or tenant
 * through the first server is refused at the second, whose cache was warm,
 * as soon as the change bus delivers it, and immediately at the first.
 */
describe('device refresh from remembered tokens', () => {
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    ({ first, second } = await startServerPair());
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  let worlds = 0;
  /** A tenant of its own per case, so a tenant-wide revocation in one case leaves the others alone. */
  const newWorld = () => deviceWorld(first.server.app.domain, `/devcache${++worlds}`);
  const refreshStatus = async (server: TestServer, tokens: UserTokens) =>
    (await deviceRefresh(server.url, tokens.deviceRefreshToken, tokens.deviceId)).status;
  /** db_queries_total of the `/token` route (GET /token is the device refresh). */
  const tokenRouteQueries = async (server: TestServer): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return [...text.matchAll(/^db_queries_total\{route="\/token"\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  };
  /** Device tokens made at the first server, and refreshed at the second until it answers from its cache. */
  const warmAtSecond = async (world: DeviceWorld): Promise<UserTokens> => {
    const tokens = await userTokens(first.url, world);
    await waitUntil(() => second.server.app.domain.revocationCheck.sync.current);
    expect(await refreshStatus(second, tokens)).toBe(200);
    // Warm: a refresh makes no query once the second server's caches hold the device. A change event of an
    // earlier test (its revocation, delivered late on a loaded machine) may still drop them once, so the
    // property is awaited: some refresh must be answered from memory, and every one of them succeeds.
    await waitUntil(
      async () => {
        const before = await tokenRouteQueries(second);
        expect(await refreshStatus(second, tokens)).toBe(200);
        return (await tokenRouteQueries(second)) === before;
      },
      10_000,
      10,
    );
    return tokens;
  };
  /** Refused at the second server once the bus delivered the change, then refused on every later try, and at the first. */
  const expectRefusedEverywhere = async (tokens: UserTokens) => {
    await waitUntil(async () => (await refreshStatus(second, tokens)) === 400, 20_000, 10);
    for (let i = 0; i < 3; i++) expect(await refreshStatus(second, tokens)).toBe(400);
    expect(await refreshStatus(first, tokens)).toBe(400);
    const refused = await deviceRefresh(second.url, tokens.deviceRefreshToken, tokens.deviceId);
    expect(refused.body).toMatchObject({ error: 'invalid_grant' });
  };

  it('makes no database query for a warm device refresh, and signs fresh tokens every time', async () => {
    const world = await newWorld();
    const tokens = await userTokens(first.url, world);
    expect(await refreshStatus(first, tokens)).toBe(200); // the first refresh wrote last-used
    const before = await tokenRouteQueries(first);
    const accessTokens = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await deviceRefresh(first.url, tokens.deviceRefreshToken, tokens.deviceId);
      expect(res.status).toBe(200);
      accessTokens.add(String(res.body.AccessToken));
    }
    expect(await tokenRouteQueries(first)).toBe(before);
    expect(accessTokens.size).toBe(5);
    // The remembered token is still bound to its device.
    const other = await userTokens(first.url, world);
    expect(await refreshStatus(first, { ...tokens, deviceId: other.deviceId })).toBe(400);
  });

  it('still records last-used, off the request path', async () => {
    const world = await newWorld();
    const tokens = await userTokens(first.url, world);
    await waitUntil(async () => {
      const device = await first.server.app.domain.devices.listOwn(world.userId);
      return device.nodes.some((node) => node.id === tokens.deviceId && node.lastUsedAt !== null);
    });
  });

  it('never serves a device revoked through the other server', async () => {
    const world = await newWorld();
    const tokens = await warmAtSecond(world);
    await first.server.app.domain.devices.revoke(await rootAdminActor(first.server.app.domain), tokens.deviceId);
    expect(await refreshStatus(first, tokens)).toBe(400);
    await expectRefusedEverywhere(tokens);
  });

  it('never serves a device whose refresh token was revoked (RFC 7009) through the other server', async () => {
    const world = await newWorld();
    const tokens = await warmAtSecond(world);
    expect((await postForm(`${first.url}/revoke`, { token: tokens.deviceRefreshToken }, clientHeaders(world.app))).status).toBe(200);
    await expectRefusedEverywhere(tokens);
  });

  it('never serves a device of a user disabled, or whose tokens were revoked, through the other server', async () => {
    const domain = first.server.app.domain;
    const disabled = await newWorld();
    const tokens = await warmAtSecond(disabled);
    await domain.users.update(await rootAdminActor(domain), disabled.userId, { enabled: false });
    await expectRefusedEverywhere(tokens);

    const revoked = await newWorld();
    const revokedTokens = await warmAtSecond(revoked);
    expect(await domain.users.revokeTokens(await rootAdminActor(domain), revoked.userId)).toBeGreaterThan(0);
    await expectRefusedEverywhere(revokedTokens);
  });

  it('never serves a device of a client disabled, or whose tokens were revoked, through the other server', async () => {
    const domain = first.server.app.domain;
    const disabled = await newWorld();
    const tokens = await warmAtSecond(disabled);
    await domain.clients.update(await rootAdminActor(domain), disabled.app.clientId, { enabled: false });
    await expectRefusedEverywhere(tokens);

    const revoked = await newWorld();
    const revokedTokens = await warmAtSecond(revoked);
    expect(await domain.scopedRevocation.revokeClientTokens(await rootAdminActor(domain), revoked.app.clientId)).toBeGreaterThan(0);
    await expectRefusedEverywhere(revokedTokens);
  });

  it('never serves a device of a tenant whose tokens were revoked (batch revocation) through the other server', async () => {
    const domain = first.server.app.domain;
    const world = await newWorld();
    const tokens = await warmAtSecond(world);
    expect(await domain.scopedRevocation.revokeIssuedBefore(await rootAdminActor(domain), world.tenantPath, new Date())).toBeGreaterThan(0);
    await expectRefusedEverywhere(tokens);
  });

  it('never serves a device revoked while the other server’s change bus is down', async () => {
    const world = await newWorld();
    const tokens = await warmAtSecond(world);
    const bus = second.server.changeBus;
    await cutChangeBus(second);
    await first.server.app.domain.devices.revoke(await rootAdminActor(first.server.app.domain), tokens.deviceId); // unheard at the second
    expect(await refreshStatus(second, tokens)).toBe(400); // from the database
    await waitUntil(() => bus.state === 'connected');
    await waitUntil(() => second.server.app.domain.revocationCheck.sync.current);
    await expectRefusedEverywhere(tokens);
  });
});
