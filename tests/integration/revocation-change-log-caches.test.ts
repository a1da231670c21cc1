import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database } from '../../src/data/database';
import { freePort } from '../../src/db/embedded-postgres';
import { CHANGE_POLL_INTERVAL_MS } from '../../src/domain/revocation/state/revocation-state-sync';
import { rootAdminActor } from '../fixtures/admin-actor';
import { deviceWorld, userTokens, type DeviceWorld } from '../fixtures/device-setup';
import {
  clientHeaders,
  createTestClient,
  createTestTenant,
  passwordTokens,
  requestTokens,
  serviceToken,
  type TestClient,
} from '../fixtures/token-clients';
import { postForm } from '../support/oauth';
import { spawnServer, type ServerProcess } from '../support/process';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

/**
 * Tenant cutoffs (seed 003 batch revocation), disabled, deleted or re-keyed
 * clients, deleted tenants and withdrawn admin privileges (a user's role, a
 * client's allowed scope) are enforced through the tenant, client and user
 * caches, which keep an entry 60 s (users 5 min). Their changes are in the revocation
 * change log too (`Migration20261201090000RevocationChangesMore`, `Migration20261201100000PrivilegeChanges`), so a
 * process whose NOTIFY for the change was lost, its change bus still
 * connected, drops those entries at its next read of the log.
 *
 * Two server processes on one database: `a` in this process (its
 * notifications fail), `b` a real `node dist/main.js` process that warmed
 * its caches before each change.
 */
describe('change log: tenant cutoffs and client changes whose NOTIFY was lost', () => {
  let a: TestServer;
  let b: ServerProcess;
  let bUrl: string;
  let dataDir: string;
  let world: DeviceWorld;
  let suppressed: jest.SpyInstance;
  const env = { SECRET_KEY: randomBytes(32).toString('base64'), ISSUER: 'https://idp.example.test' };
  /** Well past a poll and a read, well short of the caches' 60 s: only the change log can explain a refusal in time. */
  const WITHIN_MS = CHANGE_POLL_INTERVAL_MS + 2_500;

  beforeAll(async () => {
    a = await startTestServer({ env });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'idp-changelog-b-'));
    const port = await freePort();
    b = spawnServer({
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: a.databaseUrl,
      DATA_DIR: dataDir,
      ADMIN_CLIENT_ID,
      ADMIN_CLIENT_SECRET,
      LOG_LEVEL: 'info',
    });
    bUrl = `http://127.0.0.1:${port}`;
    await b.waitFor(/"msg":"server ready"/);
    await b.waitFor(/"msg":"revocation state loaded"/);
    world = await deviceWorld(a.server.app.domain, '/rcc');
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    suppressed = jest.spyOn(Database.prototype, 'notify').mockRejectedValue(new Error('notification suppressed by the test'));
  });
  afterEach(() => suppressed.mockRestore());

  const introspect = async (url: string, token: string, caller: TestClient = world.rs) =>
    (await postForm<{ active: boolean }>(`${url}/introspect`, { token }, clientHeaders(caller))).body.active;
  const userinfo = async (url: string, token: string) =>
    (await fetch(`${url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status;
  const clientCredentials = async (url: string, client: TestClient) =>
    (await postForm(`${url}/token`, { grant_type: 'client_credentials' }, clientHeaders(client))).status;
  /** b's change bus is connected (`/readyz` answers 503 otherwise): no resync flushed its caches. */
  const busLive = async () => (await fetch(`${bUrl}/readyz`)).status === 200;
  /** Waits until `check` holds at b, at most {@link WITHIN_MS}; the delay. */
  const refusedWithin = async (what: string, check: () => Promise<boolean>): Promise<number> => {
    const start = Date.now();
    await waitUntil(check, WITHIN_MS, 25);
    const delay = Date.now() - start;
    console.log(`${what}: refused by the other process after ${delay} ms with its notification lost`);
    expect(await busLive()).toBe(true);
    return delay;
  };

  it('a tenant batch revocation: introspection inactive and /userinfo 401 at the other process', async () => {
    const { domain } = a.server.app;
    const tokens = await userTokens(a.url, world);
    const service = await serviceToken(a.url, world.rs);
    // b caches the tenant, its lineage cutoff, the clients and the user.
    expect(await introspect(bUrl, service)).toBe(true);
    expect(await introspect(bUrl, tokens.accessToken)).toBe(true);
    expect(await userinfo(bUrl, tokens.accessToken)).toBe(200);
    expect(await busLive()).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 5)); // the cutoff falls after `iat`
    const cutoff = new Date();
    await domain.scopedRevocation.revokeIssuedBefore(await rootAdminActor(domain), world.tenantPath, cutoff);
    expect(suppressed).toHaveBeenCalled();
    expect(await introspect(a.url, service)).toBe(false); // a applied it locally

    await refusedWithin(
      'tenant cutoff (introspection)',
      async () => !(await introspect(bUrl, service)) && !(await introspect(bUrl, tokens.accessToken)),
    );
    expect(await userinfo(bUrl, tokens.accessToken)).toBe(401);
    // Tokens issued after the cutoff are fine. Cutoffs compare whole seconds (a JWT's `iat`): a token of the
    // cutoff's own second is revoked too, so the next ones (here and in the tests below) wait for the next second.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, (Math.floor(cutoff.getTime() / 1000) + 1) * 1000 - Date.now() + 20)));
    expect(await introspect(bUrl, await serviceToken(a.url, world.rs))).toBe(true);
  });

  it('a client disabled: the token endpoint refuses it and its tokens are inactive at the other process', async () => {
    const { domain } = a.server.app;
    const client = await createTestClient(domain, world.tenantPath);
    const token = await serviceToken(a.url, client);
    expect(await clientCredentials(bUrl, client)).toBe(200);
    expect(await introspect(bUrl, token)).toBe(true);

    await domain.clients.update(await rootAdminActor(domain), client.clientId, { enabled: false });
    expect(suppressed).toHaveBeenCalled();
    expect(await clientCredentials(a.url, client)).toBe(401);

    await refusedWithin('client disabled (token endpoint)', async () => (await clientCredentials(bUrl, client)) === 401);
    expect(await introspect(bUrl, token)).toBe(false);
  });

  it('a client deleted, and a client whose secret was rotated: the other process refuses the old credentials', async () => {
    const { domain } = a.server.app;
    const actor = await rootAdminActor(domain);
    const doomed = await createTestClient(domain, world.tenantPath);
    const rotated = await createTestClient(domain, world.tenantPath);
    const token = await serviceToken(a.url, doomed);
    for (const client of [doomed, rotated]) expect(await clientCredentials(bUrl, client)).toBe(200);
    expect(await introspect(bUrl, token)).toBe(true);

    await domain.clients.delete(actor, doomed.clientId);
    const { clientSecret } = await domain.clients.rotateSecret(actor, rotated.clientId);
    expect(suppressed).toHaveBeenCalled();

    await refusedWithin(
      'client deleted and secret rotated (token endpoint)',
      async () => (await clientCredentials(bUrl, doomed)) === 401 && (await clientCredentials(bUrl, rotated)) === 401,
    );
    expect(await introspect(bUrl, token)).toBe(false);
    expect(await clientCredentials(bUrl, { clientId: rotated.clientId, clientSecret })).toBe(200);
  });

  it('a user losing the admin role, and a client losing scope admin: the other process stops honouring scope admin', async () => {
    const { domain } = a.server.app;
    const actor = await rootAdminActor(domain);
    const password = 'correct horse battery staple';
    const username = `ada-${randomBytes(3).toString('hex')}`;
    const ada = await domain.users.create(actor, { tenantPath: world.tenantPath, username, password, admin: true });
    const signIn = await createTestClient(domain, world.tenantPath, 'user', { allowedScopes: ['admin', 'openid'] });
    const ops = await createTestClient(domain, world.tenantPath, 'service', { allowedScopes: ['admin', 'email'] });
    const userToken = (await passwordTokens(a.url, signIn, username, password, 'admin openid')).access_token;
    const clientToken = (await requestTokens(a.url, ops, { grant_type: 'client_credentials', scope: 'admin' })).access_token;
    /** The scopes b's GraphQL bearer check grants the token (`me.scopes`). */
    const scopesAtB = async (token: string): Promise<string[]> => {
      const res = await fetch(`${bUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { scopes } }' }),
      });
      return ((await res.json()) as { data?: { me?: { scopes: string[] } } }).data?.me?.scopes ?? [];
    };
    // b caches the user and both clients.
    expect(await scopesAtB(userToken)).toContain('admin');
    expect(await scopesAtB(clientToken)).toContain('admin');

    await domain.users.update(actor, ada.id, { admin: false });
    await domain.clients.update(actor, ops.clientId, { allowedScopes: ['email'] });
    expect(suppressed).toHaveBeenCalled();

    await refusedWithin(
      'admin role and admin scope withdrawn (GraphQL bearer)',
      async () => !(await scopesAtB(userToken)).includes('admin') && !(await scopesAtB(clientToken)).includes('admin'),
    );
  });

  it('a tenant deleted: its tokens are inactive at the other process', async () => {
    const { domain } = a.server.app;
    const tenantPath = `/rcc/gone-${randomBytes(3).toString('hex')}`;
    await createTestTenant(domain, tenantPath);
    const client = await createTestClient(domain, tenantPath);
    const token = await serviceToken(a.url, client);
    expect(await introspect(bUrl, token)).toBe(true);
    expect(await clientCredentials(bUrl, client)).toBe(200);

    await domain.tenants.delete(await rootAdminActor(domain), tenantPath);
    expect(suppressed).toHaveBeenCalled();

    await refusedWithin(
      'tenant deleted (introspection)',
      async () => !(await introspect(bUrl, token)) && (await clientCredentials(bUrl, client)) === 401,
    );
  });
});
