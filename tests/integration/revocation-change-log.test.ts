import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { Client } from 'pg';
import { Database } from '../../src/data/database';
import { RevocationRepository } from '../../src/data/revocation.repository';
import { CHANGE_POLL_INTERVAL_MS } from '../../src/domain/revocation/state/revocation-state-sync';
import { rootAdminActor } from '../fixtures/admin-actor';
import { deviceRefresh, deviceWorld, userTokens, type DeviceWorld } from '../fixtures/device-setup';
import { clientForm, clientHeaders, passwordTokens, serviceToken } from '../fixtures/token-clients';
import { postForm } from '../support/oauth';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/**
 * Issue 10 item 4, the gaps after the first round: two servers on one
 * database. A device revocation reaches the other server as one event (no full
 * reload); a revocation whose NOTIFY alone is lost reaches it through the
 * revocation change log within {@link CHANGE_POLL_INTERVAL_MS}; a server
 * serves while its state is still loading, answering from the database; and a
 * refresh family whose rows are gone (purged, or deleted with its user) is
 * never answered active by any verification path.
 */
describe('revocation state: change log, incremental device revocation, purged families', () => {
  let a: TestServer;
  let b: TestServer;
  let world: DeviceWorld;
  const env = { SECRET_KEY: randomBytes(32).toString('base64'), ISSUER: 'https://idp.example.test' };

  beforeAll(async () => {
    a = await startTestServer({ env });
    b = await startTestServer({ env, databaseUrl: a.databaseUrl });
    world = await deviceWorld(a.server.app.domain, '/rc');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const active = async (server: TestServer, token: string, hint?: string) =>
    (
      await postForm<{ active: boolean }>(
        `${server.url}/introspect`,
        { token, ...(hint ? { token_type_hint: hint } : {}) },
        clientHeaders(world.rs),
      )
    ).body.active;
  const syncOf = (server: TestServer) => server.server.app.domain.revocationCheck.sync;
  /** Waits until `server` answers inactive, asserting its state is current meanwhile (answers come from memory); the delay in ms. */
  const inactiveAt = async (server: TestServer, token: string): Promise<number> => {
    const start = Date.now();
    await waitUntil(
      async () => {
        expect(syncOf(server).current).toBe(true);
        return !(await active(server, token));
      },
      20_000,
      20,
    );
    return Date.now() - start;
  };
  const sql = <T>(text: string, values: unknown[] = []): Promise<T[]> => sqlRows<T>(a.databaseUrl, text, values);

  it('a device revoked through one server is refused by the other from one bus event, without a full reload or the change log', async () => {
    const tokens = await userTokens(a.url, world);
    expect(await active(b, tokens.deviceAccessToken)).toBe(true);
    const sync = syncOf(b);
    sync.stop(); // only the bus can tell it now
    try {
      const [reloads, reads] = [sync.fullReloads, sync.changeReads];
      await a.server.app.domain.devices.revoke(await rootAdminActor(a.server.app.domain), tokens.deviceId);
      const delay = await inactiveAt(b, tokens.deviceAccessToken);
      console.log(`device revocation enforced by the other server after ${delay} ms`);
      expect(sync.state.isDeviceRevoked(tokens.deviceId)).toBe(true);
      expect([sync.fullReloads, sync.changeReads]).toEqual([reloads, reads]);
      expect((await deviceRefresh(b.url, tokens.deviceRefreshToken, tokens.deviceId)).status).toBe(400);
      const userinfo = await fetch(`${b.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.deviceAccessToken}` } });
      expect(userinfo.status).toBe(401);
    } finally {
      sync.start();
    }
  });

  describe('with every NOTIFY lost (the writes commit, the notifications fail)', () => {
    let suppressed: jest.SpyInstance;
    beforeEach(() => {
      suppressed = jest.spyOn(Database.prototype, 'notify').mockRejectedValue(new Error('notification suppressed by the test'));
    });
    afterEach(() => suppressed.mockRestore());

    it('the other server enforces each kind of revocation from the change log, within the poll interval, without a full reload', async () => {
      const { domain } = a.server.app;
      const actor = await rootAdminActor(domain);
      const access = await serviceToken(a.url, world.rs);
      const family = await passwordTokens(a.url, world.app, world.username, world.password, 'openid offline_access');
      const device = await userTokens(a.url, world);
      const service = await serviceToken(a.url, world.rs);
      for (const token of [access, family.access_token, device.deviceAccessToken, service]) expect(await active(b, token)).toBe(true);
      const sync = syncOf(b);
      const reloads = sync.fullReloads;

      const cases: [string, () => Promise<unknown>, string][] = [
        ['one access token (POST /revoke)', () => postForm(`${a.url}/revoke`, { token: access, ...clientForm(world.rs) }), access],
        [
          'a refresh family (POST /revoke of the refresh token)',
          () => postForm(`${a.url}/revoke`, { token: family.refresh_token!, ...clientForm(world.app) }),
          family.access_token,
        ],
        ['a device', () => domain.devices.revoke(actor, device.deviceId), device.deviceAccessToken],
        ['a client (revokeClientTokens)', () => domain.scopedRevocation.revokeClientTokens(actor, world.rs.clientId), service],
      ];
      for (const [what, revoke, token] of cases) {
        await revoke();
        expect(suppressed).toHaveBeenCalled();
        expect(b.server.changeBus.state).toBe('connected'); // no resync: nothing but the change log can tell b
        const delay = await inactiveAt(b, token);
        console.log(
          `${what}: enforced by the other server after ${delay} ms with its notification lost (poll every ${CHANGE_POLL_INTERVAL_MS} ms)`,
        );
      }
      expect(sync.fullReloads).toBe(reloads);
      expect(sync.changeReads).toBeGreaterThan(0);
    });

    it('a user disabled or deleted: the other server drops its cached user row from the change log', async () => {
      const { domain } = a.server.app;
      const actor = await rootAdminActor(domain);
      const { access_token: token } = await passwordTokens(a.url, world.app, world.username, world.password, 'openid');
      const userinfo = async () => (await fetch(`${b.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status;
      expect(await userinfo()).toBe(200); // b caches the user's row
      await domain.users.update(actor, world.userId, { enabled: false });
      await inactiveAt(b, token);
      expect(await userinfo()).toBe(401);
      suppressed.mockRestore(); // re-enabling is not in the change log: its notification must get through
      await domain.users.update(actor, world.userId, { enabled: true });
      // Disabling revoked the user's tokens: the old one stays refused, a new one is served with the re-enabled row.
      // Cutoffs compare whole seconds (a JWT's `iat`): the new token is issued in a later second than the cutoff.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
      const { access_token: fresh } = await passwordTokens(a.url, world.app, world.username, world.password, 'openid');
      await waitUntil(async () => (await fetch(`${b.url}/userinfo`, { headers: { authorization: `Bearer ${fresh}` } })).status === 200);
      expect(await userinfo()).toBe(401);
    });
  });

  it('a revocation committed by a transaction that was still open during earlier reads is read once it commits', async () => {
    const token = await serviceToken(a.url, world.rs);
    expect(await active(b, token)).toBe(true);
    const { jti, exp } = decodeJwt(token);
    const sync = syncOf(b);
    const pg = new Client({ connectionString: a.databaseUrl });
    await pg.connect();
    try {
      await pg.query('begin');
      await pg.query(
        `insert into revoked_tokens (jti, tenant_id, expires_at) select $1, id, to_timestamp($2) from tenants where path = '/rc'`,
        [jti, exp],
      );
      // A later transaction completes first, so the snapshots of b's next reads start past this one's xid.
      await sql('select pg_current_xact_id()');
      const reads = sync.changeReads;
      await waitUntil(() => sync.changeReads >= reads + 2); // b read the log twice while the row was not committed
      expect(await active(b, token)).toBe(true);
      await pg.query('commit');
    } finally {
      await pg.end();
    }
    const delay = await inactiveAt(b, token);
    console.log(`a revocation written without any notification, committed late: enforced after ${delay} ms`);
  });

  it('a server whose revocation state is still loading serves, from the database, and never answers a revoked token active', async () => {
    const revoked = await serviceToken(a.url, world.rs);
    const valid = await serviceToken(a.url, world.rs);
    await postForm(`${a.url}/revoke`, { token: revoked, ...clientForm(world.rs) });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const original = RevocationRepository.prototype.loadRevocationSnapshot;
    const slow = jest.spyOn(RevocationRepository.prototype, 'loadRevocationSnapshot').mockImplementation(async function (
      this: RevocationRepository,
    ) {
      await gate;
      return original.call(this);
    });
    let c: TestServer | undefined;
    try {
      c = await startTestServer({ env, databaseUrl: a.databaseUrl }); // started although its state has not loaded
      expect(slow).toHaveBeenCalled();
      expect(syncOf(c).current).toBe(false);
      expect(await active(c, revoked)).toBe(false);
      expect(await active(c, valid)).toBe(true);
      release();
      await waitUntil(() => syncOf(c!).current);
      expect(syncOf(c).state.revokedJtiCount).toBeGreaterThan(0);
      expect(await active(c, revoked)).toBe(false);
      expect(await active(c, valid)).toBe(true);
    } finally {
      release();
      slow.mockRestore();
      await c?.close();
    }
  });

  describe('purged and deleted refresh families', () => {
    it('a refresh token whose rows expired and were purged is refused by the refresh grant and answered inactive everywhere', async () => {
      const tokens = await passwordTokens(a.url, world.app, world.username, world.password, 'openid offline_access');
      const refresh = tokens.refresh_token!;
      for (const server of [a, b]) expect(await active(server, refresh, 'refresh_token')).toBe(true);
      // Expired: still in the table until the purge; refused already.
      await sql(`update refresh_tokens set expires_at = now() - interval '1 second' where family_id = $1`, [
        decodeJwt(tokens.access_token).sid,
      ]);
      const grant = () =>
        postForm<{ error?: string }>(`${a.url}/token`, { grant_type: 'refresh_token', refresh_token: refresh, ...clientForm(world.app) });
      for (const server of [a, b]) expect(await active(server, refresh, 'refresh_token')).toBe(false);
      expect(await grant()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      const purged = await a.server.app.domain.maintenance.purgeExpired();
      expect(purged.refreshTokens).toBeGreaterThanOrEqual(1);
      for (const server of [a, b]) expect(await active(server, refresh, 'refresh_token')).toBe(false);
      expect(await grant()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      // The purge leaves the family row: access tokens it issued stay valid until their own expiry, as RFC 6749 §1.5 has it.
      expect(await active(b, tokens.access_token)).toBe(true);
    });

    it('a family deleted with its user (cascade) is inactive at both servers, from memory, and stays so after a full reload', async () => {
      const { domain } = a.server.app;
      const actor = await rootAdminActor(domain);
      const doomed = await deviceWorld(domain, `/rc/gone-${randomBytes(3).toString('hex')}`);
      const tokens = await userTokens(a.url, doomed);
      const rs = doomed.rs;
      const check = async (server: TestServer, token: string) =>
        (await postForm<{ active: boolean }>(`${server.url}/introspect`, { token }, clientHeaders(rs))).body.active;
      for (const server of [a, b]) {
        expect(await check(server, tokens.accessToken)).toBe(true);
        expect(await check(server, tokens.deviceAccessToken)).toBe(true);
      }
      const [family] = await sql<{ id: string }>('select id::text as id from token_families where device_id = $1', [tokens.deviceId]);
      await domain.users.delete(actor, doomed.userId);
      expect(await sql('select 1 from token_families where id = $1', [family!.id])).toEqual([]);
      for (const server of [a, b]) {
        await waitUntil(async () => !(await check(server, tokens.accessToken)) && !(await check(server, tokens.deviceAccessToken)));
        // The change log recorded the deleted families as revoked.
        await waitUntil(() => syncOf(server).state.isFamilyRevoked(family!.id));
        expect(syncOf(server).current).toBe(true);
      }
      // After a full reload the family is simply unknown; the token still fails on its deleted user.
      await syncOf(b).reload();
      expect(syncOf(b).state.isFamilyRevoked(family!.id)).toBe(false);
      expect(await check(b, tokens.deviceAccessToken)).toBe(false);
      expect((await deviceRefresh(b.url, tokens.deviceRefreshToken, tokens.deviceId)).status).toBe(400);
      const refreshed = await postForm(`${b.url}/token`, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken,
        ...clientForm(doomed.app),
      });
      expect(refreshed.status).toBe(400);
    });
  });
});
