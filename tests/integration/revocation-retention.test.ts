import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { rootAdminActor } from '../fixtures/admin-actor';
import { deviceRefresh, deviceWorld, userTokens, type DeviceWorld } from '../fixtures/device-setup';
import { clientForm, clientHeaders, createTestClient, passwordTokens } from '../fixtures/token-clients';
import { postForm } from '../support/oauth';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * The in-memory revocation state keeps a revoked family or device only while
 * a token it revokes can still be accepted from memory (see
 * `src/domain/revocation/state/revoked-id-set.ts`). One revoked long enough ago is
 * not loaded, and what it revoked is still refused: refresh tokens and device
 * refreshes are checked in the database.
 */
describe('revocation state: old revoked families and devices are not loaded, and stay refused', () => {
  let a: TestServer;
  let world: DeviceWorld;

  beforeAll(async () => {
    a = await startTestServer({ env: { SECRET_KEY: randomBytes(32).toString('base64') } });
    world = await deviceWorld(a.server.app.domain, '/rr');
  });
  afterAll(async () => {
    await a.close();
  });

  const sql = <T>(text: string, values: unknown[] = []): Promise<T[]> => sqlRows<T>(a.databaseUrl, text, values);
  const introspect = async (token: string, hint?: string) =>
    (
      await postForm<{ active: boolean }>(
        `${a.url}/introspect`,
        { token, ...(hint ? { token_type_hint: hint } : {}) },
        clientHeaders(world.rs),
      )
    ).body.active;

  it('loads only families and devices revoked within their retention; the older ones are refused from the database', async () => {
    const { domain } = a.server.app;
    const actor = await rootAdminActor(domain);
    const sync = domain.revocationCheck.sync;
    const old = await userTokens(a.url, world);
    expect((await deviceRefresh(a.url, old.deviceRefreshToken, old.deviceId)).status).toBe(200); // remembered: a warm device refresh
    const oldFamily = String(decodeJwt(old.accessToken).sid);
    const recent = await passwordTokens(a.url, world.app, world.username, world.password, 'openid offline_access');
    const recentFamily = String(decodeJwt(recent.access_token).sid);
    // A client that once issued 10-day access tokens: its families are kept 10 days, though it issues 1 h tokens now.
    const longLived = await createTestClient(domain, world.tenantPath, 'user', { accessTokenLifetime: 10 * 86_400 });
    await domain.clients.update(actor, longLived.clientId, { accessTokenLifetime: 3600 });
    const lowered = await passwordTokens(a.url, longLived, world.username, world.password, 'openid offline_access');
    const loweredFamily = String(decodeJwt(lowered.access_token).sid);

    for (const [token, client] of [
      [old.refreshToken, world.app],
      [recent.refresh_token!, world.app],
      [lowered.refresh_token!, longLived],
    ] as const) {
      expect((await postForm(`${a.url}/revoke`, { token, ...clientForm(client) })).status).toBe(200);
    }
    await domain.devices.revoke(actor, old.deviceId);
    const [deviceFamily] = await sql<{ id: string }>('select id::text as id from token_families where device_id = $1', [old.deviceId]);
    for (const id of [oldFamily, recentFamily, loweredFamily]) expect(sync.state.isFamilyRevoked(id)).toBe(true);
    expect(sync.state.isDeviceRevoked(old.deviceId)).toBe(true);

    // Revoked two days ago: past 24 h + 10 min for 1 h tokens and device tokens, within 10 days + 10 min for the long-lived client.
    await sql(`update token_families set revoked_at = now() - interval '2 days' where id = any($1::uuid[])`, [
      [oldFamily, loweredFamily, deviceFamily!.id],
    ]);
    await sql(`update devices set revoked_at = now() - interval '2 days' where id = $1`, [old.deviceId]);
    const [{ max }] = (await sql<{ max: number }>('select access_token_lifetime_max as max from clients where client_id = $1', [
      longLived.clientId,
    ])) as [{ max: number }];
    expect(max).toBe(10 * 86_400);

    await sync.reload();
    expect(sync.current).toBe(true);
    expect(sync.state.isFamilyRevoked(oldFamily)).toBe(false);
    expect(sync.state.isFamilyRevoked(deviceFamily!.id)).toBe(false);
    expect(sync.state.isDeviceRevoked(old.deviceId)).toBe(false);
    expect(sync.state.isFamilyRevoked(recentFamily)).toBe(true);
    expect(sync.state.isFamilyRevoked(loweredFamily)).toBe(true);
    const [{ families }] = (await sql<{ families: string }>(
      'select count(*) as families from token_families where revoked_at is not null',
    )) as [{ families: string }];
    expect(sync.state.revokedFamilyCount).toBeLessThan(Number(families));

    // What the unloaded entries revoked is still refused, from the database.
    const refresh = await postForm<{ error?: string }>(`${a.url}/token`, {
      grant_type: 'refresh_token',
      refresh_token: old.refreshToken,
      ...clientForm(world.app),
    });
    expect(refresh).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await introspect(old.refreshToken, 'refresh_token')).toBe(false);
    for (let i = 0; i < 2; i++) expect((await deviceRefresh(a.url, old.deviceRefreshToken, old.deviceId)).status).toBe(400);
    // And what a loaded entry revoked stays refused from memory.
    expect(await introspect(recent.access_token)).toBe(false);
  });
});
