import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import type { AdminSdk } from '../../src/sdk/client';
import { defaults } from '../../src/config/defaults';
import { parseProvisioningDocument } from '../../src/domain/provisioning/parse-provisioning-document';
import { PROVISIONING_VARIABLES, provisioningDocument } from '../fixtures/provisioning-file';
import { rootAdminActor } from '../fixtures/admin-actor';
import { TestClock } from '../fixtures/test-clock';
import { serviceToken, type TestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { basic, postForm } from '../support/oauth';
import { startServerPair } from '../support/server-pair';
import { sqlRows } from '../support/sql';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestServer, type TestServer } from '../support/test-server';
import { waitUntil } from '../support/wait-until';

const JWKS_PATH = '/.well-known/jwks.json';

/** A client_credentials client of `tenantPath`, made through GraphQL. */
async function newClient(sdk: AdminSdk, tenantPath: string): Promise<TestClient> {
  const { createClient } = await sdk.createClient({
    input: { tenantPath, name: `service of ${tenantPath}`, grantTypes: ['client_credentials'] },
  });
  return { clientId: createClient.client.clientId, clientSecret: createClient.clientSecret! };
}

const kidOf = (token: string): string => decodeProtectedHeader(token).kid!;

const jwksKids = async (server: TestServer): Promise<string[]> =>
  ((await (await fetch(`${server.url}${JWKS_PATH}`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);

/**
 * Two certified resource-server libraries as a deployment runs them: jose's
 * `createRemoteJWKSet` (refetches an unknown kid only after a 30 s cooldown)
 * and oauth4webapi's `validateJwtAccessToken` (only once its copy is 60 s old;
 * openid-client 6 verifies with it). Both keep their JWKS in real time, so the
 * test clock moving on does not age their copy: a kid they do not hold fails.
 * `fetches` counts the JWKS requests they made.
 */
function verifiers(server: TestServer, clock: TestClock) {
  const jwksUri = new URL(`${server.url}${JWKS_PATH}`);
  const counter = { fetches: 0 };
  const counting = (url: string | URL, init?: RequestInit) => {
    counter.fetches++;
    return fetch(url, init);
  };
  const remote = createRemoteJWKSet(jwksUri, { [customFetch]: counting });
  // Every tenant is its own issuer ({ISSUER}/t/{segments joined by "."}); these verifiers use the root JWKS, which keeps every tenant's keys.
  const issuerOf = (token: string) => {
    const tenant = decodeJwt(token).tenant as string;
    return tenant === '/' ? server.issuer : `${server.issuer}/t/${tenant.slice(1).replace(/\//g, '.')}`;
  };
  // One JWKS cache for the one JWKS URI, whichever issuer's token is checked (oauth4webapi otherwise caches per issuer object).
  const sharedJwks: oauth.JWKSCacheInput = {};
  const asOf = (issuer: string): oauth.AuthorizationServer => ({ issuer, jwks_uri: jwksUri.href });
  const skewSeconds = () => Math.round((clock.now().getTime() - Date.now()) / 1000);
  const jose = (token: string) => jwtVerify(token, remote, { issuer: issuerOf(token), typ: 'at+jwt', currentDate: clock.now() });
  const oauth4 = (token: string) =>
    oauth.validateJwtAccessToken(
      asOf(issuerOf(token)),
      new Request(`${server.url}/api`, { headers: { authorization: `Bearer ${token}` } }),
      server.issuer,
      {
        [oauth.allowInsecureRequests]: true,
        [oauth.customFetch]: counting,
        [oauth.jwksCache]: sharedJwks,
        [oauth.clockSkew]: skewSeconds(),
      },
    );
  return {
    counter,
    /** Both fetch the JWKS now (oauth4webapi fetches on its first validation: `warmWith` is any valid token). */
    async fetchNow(warmWith: string): Promise<void> {
      await remote.reload();
      await oauth4(warmWith);
      expect(counter.fetches).toBe(2);
    },
    /** Verifies with both; the payloads' tenant. */
    async verify(token: string): Promise<string[]> {
      const [a, b] = await Promise.all([jose(token), oauth4(token)]);
      return [a.payload.tenant as string, b.tenant as string];
    },
  };
}

describe('key publication: a verifier that fetched the JWKS just before never meets an unknown kid', () => {
  const clock = new TestClock();
  let t: TestServer;
  let root: AdminSdk;
  /** A client of `/`: its tokens warm the verifiers. */
  let rootClient: TestClient;

  beforeAll(async () => {
    t = await startTestServer({ clock });
    root = await rootAdminSdk(t.url);
    rootClient = await newClient(root, '/');
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => clock.reset());

  it('publishes the JWKS max-age it promises, and publishes new keys at least that long before they sign', async () => {
    const res = await fetch(`${t.url}${JWKS_PATH}`);
    expect(res.headers.get('cache-control')).toBe(`public, max-age=${defaults.jwksMaxAgeSeconds}`);
    expect(defaults.keyPublicationSeconds).toBeGreaterThanOrEqual(defaults.jwksMaxAgeSeconds);
  });

  it('a new tenant has its key from creation: its first token verifies with a JWKS fetched after createTenant, without a refetch', async () => {
    const { createTenant } = await root.createTenant({ input: { path: '/fresh', signingAlgorithm: 'ES256' } });
    expect(createTenant.path).toBe('/fresh');
    const client = await newClient(root, '/fresh');

    const verifier = verifiers(t, clock);
    await verifier.fetchNow(await serviceToken(t.url, rootClient));

    const first = await serviceToken(t.url, client);
    expect(await verifier.verify(first)).toEqual(['/fresh', '/fresh']);
    expect(verifier.counter.fetches).toBe(2);
    const keys = (await root.signingKeys({ tenantPath: '/fresh' })).signingKeys;
    expect(keys).toEqual([expect.objectContaining({ kid: kidOf(first), algorithm: 'ES256', status: 'active', retiredAt: null })]);
    expect(Date.parse(keys[0]!.activatesAt)).toBeLessThanOrEqual(Date.parse(keys[0]!.createdAt) + 1000);
  });

  it('rotateSigningKey publishes the next key at once and signs with it only after the publication window', async () => {
    await root.createTenant({ input: { path: '/rotating' } });
    const client = await newClient(root, '/rotating');
    const beforeRotation = await serviceToken(t.url, client);
    const oldKid = kidOf(beforeRotation);

    // A verifier that fetched the JWKS just before the rotation.
    const early = verifiers(t, clock);
    await early.fetchNow(beforeRotation);

    const { rotateSigningKey: next } = await root.rotateSigningKey({ tenantPath: '/rotating' });
    const activatesAt = Date.parse(next.activatesAt);
    expect(next).toMatchObject({ status: 'pending', retiredAt: null });
    expect(next.kid).not.toBe(oldKid);
    expect(activatesAt - clock.now().getTime()).toBeGreaterThan((defaults.keyPublicationSeconds - 5) * 1000);
    expect(await jwksKids(t)).toEqual(expect.arrayContaining([oldKid, next.kid]));

    // A verifier that fetched the JWKS right after it.
    const late = verifiers(t, clock);
    await late.fetchNow(beforeRotation);

    const tokens = [beforeRotation];
    const afterRotation = await serviceToken(t.url, client);
    expect(kidOf(afterRotation)).toBe(oldKid);
    tokens.push(afterRotation);
    for (const token of tokens) {
      expect(await early.verify(token)).toEqual(['/rotating', '/rotating']);
      expect(await late.verify(token)).toEqual(['/rotating', '/rotating']);
    }

    // One second before activation the old key still signs; one second after, the new one.
    clock.advance((activatesAt - clock.now().getTime()) / 1000 - 1);
    const lastOld = await serviceToken(t.url, client);
    expect(kidOf(lastOld)).toBe(oldKid);
    tokens.push(lastOld);
    clock.advance(2);
    const firstNew = await serviceToken(t.url, client);
    expect(kidOf(firstNew)).toBe(next.kid);
    tokens.push(firstNew);
    for (const token of tokens) expect(await late.verify(token)).toEqual(['/rotating', '/rotating']);
    expect(late.counter.fetches).toBe(2);
    expect(early.counter.fetches).toBe(2);

    const keys = (await root.signingKeys({ tenantPath: '/rotating' })).signingKeys;
    expect(keys.map((key) => [key.kid, key.status])).toEqual([
      [next.kid, 'active'],
      [oldKid, 'retired'],
    ]);
    expect(Date.parse(keys[1]!.retiredAt!)).toBe(activatesAt);
    expect(Date.parse(keys[1]!.publishUntil!)).toBeGreaterThanOrEqual(decodeJwt(lastOld).exp! * 1000);
  });

  it('a change of the tenant’s algorithm is published first too', async () => {
    await root.createTenant({ input: { path: '/switching' } });
    const client = await newClient(root, '/switching');
    const before = await serviceToken(t.url, client);
    expect(decodeProtectedHeader(before).alg).toBe('RS256');
    const verifier = verifiers(t, clock);
    await verifier.fetchNow(before);

    await root.updateTenant({ path: '/switching', input: { signingAlgorithm: 'EdDSA' } });
    // The first token after the change schedules the EdDSA key and is still RS256.
    const during = await serviceToken(t.url, client);
    expect(decodeProtectedHeader(during).alg).toBe('RS256');
    const [pending] = (await root.signingKeys({ tenantPath: '/switching' })).signingKeys;
    expect(pending).toMatchObject({ algorithm: 'EdDSA', status: 'pending' });
    expect(await jwksKids(t)).toContain(pending!.kid);

    const fresh = verifiers(t, clock);
    await fresh.fetchNow(during);
    clock.advance(defaults.keyPublicationSeconds + 1);
    const after = await serviceToken(t.url, client);
    expect(decodeProtectedHeader(after)).toMatchObject({ alg: 'EdDSA', kid: pending!.kid });
    expect(await verifier.verify(during)).toEqual(['/switching', '/switching']);
    expect(await fresh.verify(after)).toEqual(['/switching', '/switching']);
    expect(fresh.counter.fetches).toBe(2);
  });
});

describe('every tenant has its key from the moment it exists', () => {
  /** One deployment's secret, for the restart. */
  const env = { SECRET_KEY: randomBytes(32).toString('base64') };
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ env });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Tenant path → the algorithms of its active keys. */
  const activeKeys = async (): Promise<Record<string, string[]>> => {
    const rows = await sqlRows<{ path: string; algorithm: string }>(
      t.databaseUrl,
      `select t.path, k.algorithm from tenants t left join signing_keys k on k.tenant_id = t.id and k.status = 'active' order by t.path, k.algorithm`,
    );
    const byPath: Record<string, string[]> = {};
    for (const row of rows) (byPath[row.path] ??= []).push(...(row.algorithm ? [row.algorithm] : []));
    return byPath;
  };

  it('the root from bootstrap, and tenants a provisioning file creates, before any token', async () => {
    const { domain } = t.server.app;
    await domain.provisioning.apply(parseProvisioningDocument(provisioningDocument(), PROVISIONING_VARIABLES, domain.grants));
    expect(await activeKeys()).toEqual({ '/': ['RS256'], '/acme': ['RS256'], '/acme/eu': ['ES256'] });
    const jwks = await jwksKids(t);
    const kids = await sqlRows<{ kid: string }>(t.databaseUrl, 'select kid from signing_keys');
    expect(jwks.sort()).toEqual(kids.map((row) => row.kid).sort());
  });

  it('a tenant left without a key (made before keys came with tenants) gets one at the next start', async () => {
    await sqlRows(t.databaseUrl, `delete from signing_keys where tenant_id = (select id from tenants where path = '/acme/eu')`);
    expect((await activeKeys())['/acme/eu']).toEqual([]);
    const again = await startTestServer({ env, databaseUrl: t.databaseUrl });
    await again.close();
    expect((await activeKeys())['/acme/eu']).toEqual(['ES256']);
  });

  it('a failed createTenant leaves no key behind', async () => {
    const root = await rootAdminSdk(t.url);
    const before = await sqlRows<{ n: string }>(t.databaseUrl, 'select count(*) as n from signing_keys');
    await expect(root.createTenant({ input: { path: '/acme' } })).rejects.toThrow(/already exists/);
    expect(await sqlRows(t.databaseUrl, 'select count(*) as n from signing_keys')).toEqual(before);
  });

  // Last: the restart under another secret re-keys the admin client.
  it('after a new SECRET_KEY, rotateSigningKey restores signing at once (operations.md): a key that cannot be opened never signs', async () => {
    // The old key is gone for good: named in SECRET_KEYS_LOST, it no longer stops the start (secret-keyring.test.ts).
    const [old] = await sqlRows<{ id: string }>(
      t.databaseUrl,
      "select distinct split_part(sealed_private_jwk, '.', 2) as id from signing_keys",
    );
    const other = await startTestServer({
      env: { SECRET_KEY: randomBytes(32).toString('base64'), SECRET_KEYS_LOST: old!.id },
      databaseUrl: t.databaseUrl,
    });
    try {
      const admin = () =>
        postForm(
          `${other.url}/token`,
          { grant_type: 'client_credentials' },
          { authorization: basic(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET) },
        );
      expect((await admin()).status).toBe(500);
      const { domain } = other.server.app;
      const next = await domain.keys.rotate(await rootAdminActor(domain), '/');
      expect(next.status).toBe('pending');
      const response = await admin();
      expect(response.status).toBe(200);
      expect(kidOf((response.body as { access_token: string }).access_token)).toBe(next.kid);
    } finally {
      await other.close();
    }
  });
});

describe('key publication on two processes', () => {
  const clock = new TestClock();
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    ({ first, second } = await startServerPair({ clock }));
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  /** db_queries_total of the `/token` route at `server`. */
  const tokenQueries = async (server: TestServer): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return [...text.matchAll(/^db_queries_total\{route="\/token"\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  };

  it('both switch to the rotated key at its activation, without a query', async () => {
    const root = await rootAdminSdk(first.url);
    await root.createTenant({ input: { path: '/pair' } });
    const client = await newClient(root, '/pair');
    const oldKid = kidOf(await serviceToken(first.url, client));
    await jwksKids(second); // second caches its JWKS: it changes only on the rotation's notification

    const { rotateSigningKey: next } = await root.rotateSigningKey({ tenantPath: '/pair' });
    // The notification reached the second process once its JWKS shows the new key.
    await waitUntil(async () => (await jwksKids(second)).includes(next.kid));

    for (const server of [first, second]) {
      for (let i = 0; i < 3; i++) expect(kidOf(await serviceToken(server.url, client))).toBe(oldKid);
    }
    const queries = [await tokenQueries(first), await tokenQueries(second)];
    for (const server of [first, second]) expect(kidOf(await serviceToken(server.url, client))).toBe(oldKid);

    clock.advance((Date.parse(next.activatesAt) - clock.now().getTime()) / 1000 + 1);
    for (const server of [first, second]) expect(kidOf(await serviceToken(server.url, client))).toBe(next.kid);
    expect([await tokenQueries(first), await tokenQueries(second)]).toEqual(queries);
  });
});
