import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Client as PgClient } from 'pg';
import type { AdminSdk } from '../../src/sdk/client';
import { clientHeaders, createTestClient, createTestTenant, serviceToken, testClock, type TestClient } from '../fixtures/token-clients';
import { rootAdminSdk } from '../support/admin-sdk';
import { postForm } from '../support/oauth';
import { startTestServer, type TestServer } from '../support/test-server';

describe('signing keys: per-tenant algorithms, rotation and the JWKS', () => {
  const clock = testClock();
  let t: TestServer;
  let root: AdminSdk;
  let es: TestClient;
  let ed: TestClient;
  let rs: TestClient;

  /** A fresh remote key set each time: jose caches what it fetched. The root JWKS still holds every tenant's keys; `iss` is the tenant's issuer (issue 20). */
  const verify = (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`)), {
      issuer: [`${t.issuer}/t/es`, `${t.issuer}/t/ed`],
      typ: 'at+jwt',
      currentDate: clock.now(),
    });
  const jwksKids = async (): Promise<string[]> =>
    ((await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
  const introspect = async (token: string) => (await postForm(`${t.url}/introspect`, { token }, clientHeaders(rs))).body;

  beforeAll(async () => {
    t = await startTestServer({ clock });
    const { domain } = t.server.app;
    await createTestTenant(domain, '/es', 'ES256');
    await createTestTenant(domain, '/ed', 'EdDSA');
    es = await createTestClient(domain, '/es');
    ed = await createTestClient(domain, '/ed');
    rs = await createTestClient(domain, '/');
    root = await rootAdminSdk(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['ES256', () => es],
    ['EdDSA', () => ed],
  ])('signs %s tenants’ tokens with that algorithm, verifiable against /.well-known/jwks.json', async (alg, client) => {
    const token = await serviceToken(t.url, client());
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg, typ: 'at+jwt', kid: expect.any(String) });
    const { payload, protectedHeader } = await verify(token);
    expect(protectedHeader.alg).toBe(alg);
    expect(payload.client_id).toBe(client().clientId);
    expect(await jwksKids()).toContain(header.kid);
  });

  it('publishes the next key at rotateSigningKey, signs with it after the publication window, and keeps the old kid published until the tokens it signed have expired', async () => {
    const before = await serviceToken(t.url, es);
    const oldKid = decodeProtectedHeader(before).kid!;

    const { rotateSigningKey } = await root.rotateSigningKey({ tenantPath: '/es' });
    expect(rotateSigningKey).toMatchObject({ algorithm: 'ES256', status: 'pending' });
    expect(rotateSigningKey.kid).not.toBe(oldKid);
    expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, rotateSigningKey.kid]));
    // The old key signs until the new one activates.
    const lastOld = await serviceToken(t.url, es);
    expect(decodeProtectedHeader(lastOld).kid).toBe(oldKid);

    clock.advance((Date.parse(rotateSigningKey.activatesAt) - clock.now().getTime()) / 1000 + 1);
    const after = await serviceToken(t.url, es);
    expect(decodeProtectedHeader(after).kid).toBe(rotateSigningKey.kid);
    expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, rotateSigningKey.kid]));
    await expect(verify(before)).resolves.toBeDefined();
    await expect(verify(lastOld)).resolves.toBeDefined();
    await expect(verify(after)).resolves.toBeDefined();
    expect(await introspect(lastOld)).toMatchObject({ active: true, tenant: '/es' });

    const { signingKeys } = await root.signingKeys({ tenantPath: '/es' });
    const retired = signingKeys.find((key) => key.kid === oldKid)!;
    expect(retired).toMatchObject({ status: 'retired', retiredAt: rotateSigningKey.activatesAt, publishUntil: expect.any(String) });
    const publishUntil = new Date(retired.publishUntil!).getTime();
    const lastOldExp = (await verify(lastOld)).payload.exp! * 1000;
    expect(publishUntil).toBeGreaterThanOrEqual(lastOldExp);

    // Past the publication window the old key leaves the JWKS; the new one stays.
    clock.advance(Math.ceil((publishUntil - clock.now().getTime()) / 1000) + 1);
    const kids = await jwksKids();
    expect(kids).not.toContain(oldKid);
    expect(kids).toContain(rotateSigningKey.kid);
    expect(await introspect(lastOld)).toEqual({ active: false });
  });

  it('stores private keys encrypted and publishes only public members', async () => {
    const db = new PgClient({ connectionString: t.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ sealed_private_jwk: string; public_jwk: Record<string, unknown> }>(
      'select sealed_private_jwk, public_jwk from signing_keys',
    );
    await db.end();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(row.sealed_private_jwk).not.toContain('"d":');
      expect(row.sealed_private_jwk).not.toContain('"d"');
      expect(row.public_jwk).not.toHaveProperty('d');
    }
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    for (const key of jwks.keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
    }
  });
});
