import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { ClientAssertions, presentedAssertion } from '../../../../src/domain/clients/client-assertion';
import { ClientKeySets } from '../../../../src/domain/clients/client-key-sets';
import { ClientSignedJwts } from '../../../../src/domain/clients/client-signed-jwt';
import type { Client, ClientJwks } from '../../../../src/domain/clients/client';
import type { PresentedClientCredentials } from '../../../../src/domain/clients/presented-client-credentials';
import { ReplayGuard } from '../../../../src/domain/replay/replay-guard';
import type { TenantService } from '../../../../src/domain/tenants/tenant.service';
import type { OutboundHttp } from '../../../../src/domain/outbound/outbound-http';

/**
 * Client assertions (RFC 7523) are verified with node:crypto, synchronously, instead of jose's
 * WebCrypto path: every check jose made must still hold (alg allow-list, key selection by kty,
 * crv, kid, alg, use and key_ops, RSA size, crit, iss, sub, aud, exp, nbf, iat, jti once).
 */
const ISSUER = 'https://idp.example';
const AUDIENCE = `${ISSUER}/t/acme/token`;
const NOW = 1_800_000_000;
let offsetMs = 0;
const clock = { now: () => new Date(NOW * 1000 + offsetMs) };
const tenants = { findById: async () => ({ id: 'tenant-1', path: '/acme' }) } as unknown as TenantService;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const pairs: Record<string, () => { privateKey: KeyObject; publicKey: KeyObject }> = {
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  PS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  EdDSA: () => generateKeyPairSync('ed25519'),
};

function signWith(alg: string, privateKey: KeyObject, input: string): Buffer {
  const data = Buffer.from(input);
  if (alg === 'EdDSA') return sign(null, data, privateKey);
  if (alg.startsWith('ES')) return sign(`sha${alg.slice(2)}`, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  if (alg.startsWith('PS')) return sign(`sha${alg.slice(2)}`, data, { key: privateKey, padding: 6, saltLength: Number(alg.slice(2)) / 8 });
  return sign(`sha${alg.slice(2)}`, data, privateKey);
}

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: 'app',
  sub: 'app',
  aud: AUDIENCE,
  jti: randomUUID(),
  iat: NOW,
  exp: NOW + 60,
  ...extra,
});

function jws(header: Record<string, unknown>, payload: Record<string, unknown>, privateKey: KeyObject): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signWith(header.alg as string, privateKey, input).toString('base64url')}`;
}

function client(jwks: ClientJwks | null, jwksUri: string | null = null): Client {
  return { id: 'c1', tenantId: 'tenant-1', clientId: 'app', jwks, jwksUri } as unknown as Client;
}

/** An outbound port that answers `getJson` from the test (its policy is never consulted here). */
const outbound = (getJson: OutboundHttp['getJson']): OutboundHttp => ({
  policy: { allowLoopback: true, allowCidrs: [] },
  getJson,
  postForm: async () => 500,
  post: async () => ({ status: 500 }),
});

function setUp(http: OutboundHttp = outbound(async () => ({ keys: [] }))) {
  const store = { claim: jest.fn(async () => true) };
  const assertions = new ClientAssertions(
    ISSUER,
    tenants,
    new ClientSignedJwts(new ClientKeySets(http, clock), new ReplayGuard(store, clock), clock),
  );
  const verify = (c: Client, assertion: string, secret: string | null = null) =>
    assertions.verify(c, presentedAssertion(assertion, undefined) as PresentedClientCredentials, secret);
  return { verify, store };
}

function keyFor(alg: string, jwkExtra: Record<string, unknown> = {}) {
  const { privateKey, publicKey } = pairs[alg]!();
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), ...jwkExtra };
  return { privateKey, jwk };
}

describe('ClientAssertions (node:crypto verification)', () => {
  it.each(['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'])(
    'accepts a %s assertion signed by a registered key, and claims its jti once',
    async (alg) => {
      const { privateKey, jwk } = keyFor(alg, { kid: 'k1' });
      const { verify, store } = setUp();
      const assertion = jws({ alg, kid: 'k1' }, claims(), privateKey);
      await expect(verify(client({ keys: [jwk] }), assertion)).resolves.toBeUndefined();
      expect(store.claim).toHaveBeenCalledTimes(1);
      await expect(verify(client({ keys: [jwk] }), assertion)).rejects.toMatchObject({ code: 'invalid_client' });
    },
  );

  it('verifies HS256 with the client secret (client_secret_jwt) in constant time, and refuses another secret', async () => {
    const { verify } = setUp();
    const input = `${b64({ alg: 'HS256' })}.${b64(claims())}`;
    const assertion = `${input}.${createHmac('sha256', 'the-secret').update(input).digest('base64url')}`;
    await expect(verify(client(null), assertion, 'other-secret')).rejects.toMatchObject({ code: 'invalid_client' });
    await expect(verify(client(null), assertion, 'the-secret')).resolves.toBeUndefined();
  });

  it('refuses an alg outside the method: none, HS256 for private_key_jwt', async () => {
    const { privateKey, jwk } = keyFor('EdDSA');
    const { verify } = setUp();
    const none = `${b64({ alg: 'none' })}.${b64(claims())}.`;
    await expect(verify(client({ keys: [jwk] }), none)).rejects.toMatchObject({ code: 'invalid_client' });
    const signed = jws({ alg: 'EdDSA' }, claims(), privateKey).split('.');
    const asHs = `${b64({ alg: 'HS256' })}.${signed[1]}.${signed[2]}`;
    const credentials = { ...presentedAssertion(asHs, undefined), method: 'private_key_jwt' } as PresentedClientCredentials;
    const assertions = new ClientAssertions(
      ISSUER,
      tenants,
      new ClientSignedJwts(
        new ClientKeySets(
          outbound(async () => ({})),
          clock,
        ),
        new ReplayGuard({ claim: async () => true }, clock),
        clock,
      ),
    );
    await expect(assertions.verify(client({ keys: [jwk] }), credentials, null)).rejects.toMatchObject({ code: 'invalid_client' });
  });

  it('selects keys as jose did: kid, kty and curve, the key alg, use and key_ops', async () => {
    const { verify } = setUp();
    const es = keyFor('ES256', { kid: 'es' });
    const p384 = keyFor('ES384', { kid: 'es' });
    // ES256 header, but the only key with that kid is on P-384: no key fits
    await expect(verify(client({ keys: [p384.jwk] }), jws({ alg: 'ES256', kid: 'es' }, claims(), es.privateKey))).rejects.toMatchObject({
      code: 'invalid_client',
    });
    // another kid than the header's
    await expect(
      verify(client({ keys: [{ ...es.jwk, kid: 'other' }] }), jws({ alg: 'ES256', kid: 'es' }, claims(), es.privateKey)),
    ).rejects.toMatchObject({
      code: 'invalid_client',
    });
    // a key pinned to another alg, one for encryption, one without verify in key_ops
    for (const extra of [{ alg: 'ES384' }, { use: 'enc' }, { key_ops: ['sign'] }]) {
      await expect(
        verify(client({ keys: [{ ...es.jwk, ...extra }] }), jws({ alg: 'ES256', kid: 'es' }, claims(), es.privateKey)),
      ).rejects.toMatchObject({
        code: 'invalid_client',
      });
    }
    // no kid: every fitting key is tried
    const other = keyFor('ES256');
    await expect(verify(client({ keys: [other.jwk, es.jwk] }), jws({ alg: 'ES256' }, claims(), es.privateKey))).resolves.toBeUndefined();
  });

  it('refuses an RSA key shorter than 2048 bits, an RSA key for ES256, and a crit header', async () => {
    const { verify } = setUp();
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const short = publicKey.export({ format: 'jwk' });
    await expect(verify(client({ keys: [short] }), jws({ alg: 'RS256' }, claims(), privateKey))).rejects.toMatchObject({
      code: 'invalid_client',
    });
    const rsa = keyFor('RS256');
    const es = keyFor('ES256');
    await expect(verify(client({ keys: [rsa.jwk] }), jws({ alg: 'ES256' }, claims(), es.privateKey))).rejects.toMatchObject({
      code: 'invalid_client',
    });
    await expect(verify(client({ keys: [rsa.jwk] }), jws({ alg: 'RS256', crit: ['exp'] }, claims(), rsa.privateKey))).rejects.toMatchObject(
      {
        code: 'invalid_client',
      },
    );
    await expect(verify(client({ keys: [rsa.jwk] }), jws({ alg: 'RS256' }, claims(), rsa.privateKey))).resolves.toBeUndefined();
  });

  it('refuses a payload changed after signing', async () => {
    const { privateKey, jwk } = keyFor('EdDSA');
    const { verify } = setUp();
    const [header, , signature] = jws({ alg: 'EdDSA' }, claims(), privateKey).split('.');
    await expect(verify(client({ keys: [jwk] }), `${header}.${b64(claims({ sub: 'app' }))}.${signature}`)).rejects.toMatchObject({
      code: 'invalid_client',
    });
  });

  it.each([
    ['iss of another client', { iss: 'other' }],
    ['another audience', { aud: 'https://elsewhere.example/token' }],
    ['expired beyond the skew', { exp: NOW - 31 }],
    ['exp too far ahead', { exp: NOW + 400 }],
    ['exp not a number', { exp: String(NOW + 60) }],
    ['nbf in the future', { nbf: NOW + 31 }],
    ['iat in the future', { iat: NOW + 31 }],
    ['no exp', { exp: undefined }],
    ['no jti', { jti: undefined }],
    ['no aud', { aud: undefined }],
  ])('refuses %s', async (_, extra) => {
    const { privateKey, jwk } = keyFor('EdDSA');
    const { verify, store } = setUp();
    await expect(verify(client({ keys: [jwk] }), jws({ alg: 'EdDSA' }, claims(extra), privateKey))).rejects.toMatchObject({
      code: 'invalid_client',
    });
    expect(store.claim).not.toHaveBeenCalled();
  });

  it('accepts aud as an array holding the audience, and exp within the skew', async () => {
    const { privateKey, jwk } = keyFor('EdDSA');
    const { verify } = setUp();
    const assertion = jws({ alg: 'EdDSA' }, claims({ aud: ['https://other.example', `${ISSUER}/t/acme`], exp: NOW - 29 }), privateKey);
    await expect(verify(client({ keys: [jwk] }), assertion)).resolves.toBeUndefined();
  });

  it('a fetched key set that fails its checks is fetched again by the next request (it does not stay pending)', async () => {
    const { privateKey, jwk } = keyFor('EdDSA', { kid: 'k1' });
    const bodies: unknown[] = [{ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, { keys: [jwk] }];
    const http = outbound(jest.fn(async () => bodies.shift()));
    const { verify } = setUp(http);
    const remote = client(null, 'https://client.example/jwks');
    await expect(verify(remote, jws({ alg: 'EdDSA', kid: 'k1' }, claims(), privateKey))).rejects.toMatchObject({ code: 'invalid_client' });
    await expect(verify(remote, jws({ alg: 'EdDSA', kid: 'k1' }, claims(), privateKey))).resolves.toBeUndefined();
    expect(http.getJson).toHaveBeenCalledTimes(2);
  });

  it('a fetched key set lacking the kid is fetched again (at most every 30 s), then used from memory', async () => {
    const first = keyFor('EdDSA', { kid: 'old' });
    const second = keyFor('EdDSA', { kid: 'new' });
    const bodies: unknown[] = [{ keys: [first.jwk] }, { keys: [first.jwk, second.jwk] }];
    const http = outbound(jest.fn(async () => bodies.shift()));
    const { verify } = setUp(http);
    const remote = client(null, 'https://client.example/jwks');
    await expect(verify(remote, jws({ alg: 'EdDSA', kid: 'old' }, claims(), first.privateKey))).resolves.toBeUndefined();
    // just fetched: an unknown kid does not fetch again yet
    await expect(verify(remote, jws({ alg: 'EdDSA', kid: 'new' }, claims(), second.privateKey))).rejects.toMatchObject({
      code: 'invalid_client',
    });
    expect(http.getJson).toHaveBeenCalledTimes(1);
    offsetMs = 31_000;
    try {
      await expect(verify(remote, jws({ alg: 'EdDSA', kid: 'new' }, claims(), second.privateKey))).resolves.toBeUndefined();
      await expect(verify(remote, jws({ alg: 'EdDSA', kid: 'new' }, claims(), second.privateKey))).resolves.toBeUndefined();
    } finally {
      offsetMs = 0;
    }
    expect(http.getJson).toHaveBeenCalledTimes(2);
  });
});
