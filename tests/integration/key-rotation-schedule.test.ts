import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { AdminSdk } from '../../src/sdk/client';
import { TestClock } from '../fixtures/test-clock';
import { serviceToken, type TestClient } from '../fixtures/token-clients';
import { graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { startServerPair } from '../support/server-pair';
import { sqlRows } from '../support/sql';
import type { TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

const JWKS_PATH = '/.well-known/jwks.json';
/** The tenant's publication window, and how long the test's verifier keeps a JWKS it fetched (test-clock seconds). */
const WINDOW = 600;
const DAY = 86_400;

const jwksOf = async (server: TestServer): Promise<JSONWebKeySet> =>
  (await (await fetch(`${server.url}${JWKS_PATH}`)).json()) as JSONWebKeySet;

/**
 * Scheduled rotation across two processes on one database: both run the
 * scheduler at every tick, both mint tokens all the time, and a resource server
 * that refreshes its JWKS copy only once per publication window verifies every
 * token still within its lifetime. No token may fail, and each rotation makes one key.
 */
describe('scheduled signing-key rotation', () => {
  const clock = new TestClock();
  let servers: TestServer[];
  let root: AdminSdk;
  let client: TestClient;
  let tenantId: string;

  beforeAll(async () => {
    const { first, second } = await startServerPair({ clock });
    servers = [first, second];
    root = await rootAdminSdk(first.url);
    const { createTenant } = await root.createTenant({
      input: { path: '/rot', signingAlgorithm: 'ES256', keyRotationDays: 2, keyPublicationSeconds: WINDOW },
    });
    expect(createTenant).toMatchObject({ keyRotationDays: 2, keyPublicationSeconds: WINDOW });
    tenantId = createTenant.id;
    const { createClient } = await root.createClient({
      input: { tenantPath: '/rot', name: 'service', grantTypes: ['client_credentials'] },
    });
    client = { clientId: createClient.client.clientId, clientSecret: createClient.clientSecret! };
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('refuses a period no longer than the longest token lifetime plus the publication window, naming the field', async () => {
    // ID tokens of device sign-ins live a day: one day plus the window is too short.
    const created = await graphqlError(root.createTenant({ input: { path: '/rot-short', keyRotationDays: 1 } }));
    expect(created.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'keyRotationDays' });
    expect(created.message).toContain('keyRotationDays');
    const updated = await graphqlError(root.updateTenant({ path: '/rot', input: { keyRotationDays: 1 } }));
    expect(updated.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'keyRotationDays' });
    const window = await graphqlError(root.updateTenant({ path: '/rot', input: { keyPublicationSeconds: 60 } }));
    expect(window.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'keyPublicationSeconds' });
    expect((await root.tenant({ path: '/rot' })).tenant).toMatchObject({ keyRotationDays: 2, keyPublicationSeconds: WINDOW });
  });

  it('rotates twice with every token verifying against a JWKS cached for the publication window, one new key per rotation', async () => {
    const issuer = 'https://idp.example.test/t/rot';
    let cached: { jwks: JSONWebKeySet; fetchedAtMs: number } | null = null;
    let fetches = 0;
    /** The verifier's key set: fetched again (from either process in turn) only once the copy is a publication window old. */
    const verifierKeys = async () => {
      if (!cached || clock.now().getTime() - cached.fetchedAtMs >= WINDOW * 1000) {
        cached = { jwks: await jwksOf(servers[fetches++ % 2]!), fetchedAtMs: clock.now().getTime() };
      }
      return createLocalJWKSet(cached.jwks);
    };
    const live: { token: string; expMs: number }[] = [];
    const failures: string[] = [];
    const signers = new Set<string>();
    let rotations = 0;
    /** The tenant's newest key (the admin token would expire as the clock jumps: read the table). */
    const newestKey = async () =>
      (
        await sqlRows<{ kid: string; activates_at: Date }>(
          servers[0]!.databaseUrl,
          "select kid, activates_at from signing_keys where tenant_id = $1 and status = 'active'",
          [tenantId],
        )
      )[0]!;
    /** When the next rotation is due: the active key's activation + period − window. */
    const nextDueMs = async (): Promise<number> => (await newestKey()).activates_at.getTime() + (2 * DAY - WINDOW) * 1000;

    let dueMs = await nextDueMs();
    let lastActivationMs = 0;
    while (rotations < 2 || clock.now().getTime() < lastActivationMs + 2 * WINDOW * 1000) {
      // Both processes' scheduler ticks at once.
      const tickMs = clock.now().getTime();
      const made = await Promise.all(servers.map((server) => server.server.app.domain.keys.rotateDue()));
      expect(made[0]! + made[1]!).toBeLessThanOrEqual(1);
      if (made[0]! + made[1]! === 1) {
        rotations++;
        const next = await newestKey();
        lastActivationMs = next.activates_at.getTime();
        expect(lastActivationMs).toBeGreaterThanOrEqual(tickMs + WINDOW * 1000);
        // The change bus tells the other process; both publish the key from now on.
        await waitUntil(async () => {
          const sets = await Promise.all(servers.map(jwksOf));
          return sets.every((set) => set.keys.some((key) => key.kid === next.kid));
        });
        dueMs = await nextDueMs();
      }
      for (const server of servers) {
        const token = await serviceToken(server.url, client);
        signers.add(decodeProtectedHeader(token).kid!);
        live.push({ token, expMs: decodeJwt(token).exp! * 1000 });
      }
      const keys = await verifierKeys();
      const now = clock.now();
      for (const { token, expMs } of live) {
        if (expMs <= now.getTime()) continue;
        await jwtVerify(token, keys, { issuer, typ: 'at+jwt', currentDate: now }).catch((error: unknown) =>
          failures.push(`${decodeProtectedHeader(token).kid}: ${(error as Error).message}`),
        );
      }
      // Two-minute steps (a fifth of the window) around each rotation, a jump to shortly before the next one otherwise.
      const nowMs = now.getTime();
      const nearRotation = nowMs >= dueMs - 5 * 60_000 || (lastActivationMs > 0 && nowMs < lastActivationMs + 2 * WINDOW * 1000);
      clock.advance(nearRotation ? 120 : Math.round((dueMs - 5 * 60_000 - nowMs) / 1000));
    }

    expect(failures).toEqual([]);
    expect(rotations).toBe(2);
    expect(signers.size).toBe(3);
    const rows = await sqlRows<{ count: string }>(servers[0]!.databaseUrl, 'select count(*) from signing_keys where tenant_id = $1', [
      tenantId,
    ]);
    expect(Number(rows[0]!.count)).toBe(3);
    // Audited as the server's own act (the audit log writes in batches).
    await waitUntil(
      async () =>
        (
          await sqlRows<{ actor_kind: string }>(
            servers[0]!.databaseUrl,
            "select actor_kind from audit_events where action = 'rotateSigningKey' and tenant_path = '/rot' and actor_kind = 'system'",
          )
        ).length === 2,
    );
  });
});
