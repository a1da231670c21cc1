import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { DpopNonces } from '../../../../src/domain/dpop/dpop-nonces';
import { jwkThumbprint } from '../../../../src/domain/dpop/jwk-thumbprint';
import { verifyDpopProof } from '../../../../src/domain/dpop/verify-dpop-proof';

const HTU = 'https://idp.example/t/acme/token';
const NOW = 1_800_000_000;

const keyPairs: Record<string, () => { privateKey: KeyObject; publicKey: KeyObject }> = {
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  PS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  EdDSA: () => generateKeyPairSync('ed25519'),
};

async function signed(alg: string, claims: Record<string, unknown> = {}) {
  const { privateKey, publicKey } = keyPairs[alg]!();
  const jwk = await exportJWK(publicKey);
  const proof = await new SignJWT({ jti: randomUUID(), htm: 'POST', htu: HTU, iat: NOW, ...claims })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
    .sign(privateKey);
  return { proof, jkt: await calculateJwkThumbprint(jwk) };
}

describe('verifyDpopProof', () => {
  it.each(['ES256', 'RS256', 'PS256', 'EdDSA'])('accepts a %s proof, answering the RFC 7638 thumbprint of its key', async (alg) => {
    const { proof, jkt } = await signed(alg);
    expect(verifyDpopProof(proof, { htm: 'POST', htu: HTU, now: NOW })).toMatchObject({ jkt, iat: NOW });
  });

  it('compares htu without query and fragment, after URL normalisation', async () => {
    const { proof } = await signed('ES256', { htu: 'HTTPS://IDP.example:443/t/acme/token?x=1#f' });
    expect(() => verifyDpopProof(proof, { htm: 'POST', htu: HTU, now: NOW })).not.toThrow();
  });

  it('accepts iat within a minute and skew either way, not beyond', async () => {
    for (const [iat, ok] of [
      [NOW - 65, true],
      [NOW + 65, true],
      [NOW - 66, false],
      [NOW + 66, false],
    ] as const) {
      const { proof } = await signed('ES256', { iat });
      const run = () => verifyDpopProof(proof, { htm: 'POST', htu: HTU, now: NOW });
      if (ok) expect(run).not.toThrow();
      else expect(run).toThrow(/iat/);
    }
  });

  it('checks ath only when an access token is presented', async () => {
    const token = 'header.payload.signature';
    const { proof } = await signed('ES256', { ath: createHash('sha256').update(token).digest('base64url') });
    expect(() => verifyDpopProof(proof, { htm: 'POST', htu: HTU, now: NOW, accessToken: token })).not.toThrow();
    expect(() => verifyDpopProof(proof, { htm: 'POST', htu: HTU, now: NOW, accessToken: 'other' })).toThrow(/ath/);
    const { proof: without } = await signed('ES256');
    expect(() => verifyDpopProof(without, { htm: 'POST', htu: HTU, now: NOW, accessToken: token })).toThrow(/ath/);
  });

  it('refuses a key that does not fit alg, and an RSA key under 2048 bits', async () => {
    const ec = await exportJWK(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const proof = await new SignJWT({ jti: 'j', htm: 'POST', htu: HTU, iat: NOW })
      .setProtectedHeader({ alg: 'RS256', typ: 'dpop+jwt', jwk: ec })
      .sign(privateKey);
    expect(() => verifyDpopProof(proof, { htm: 'POST', htu: HTU, now: NOW })).toThrow(/does not fit alg/);
    // Signed by hand: jose itself refuses to sign with a key this short.
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ alg: 'RS256', typ: 'dpop+jwt', jwk: await exportJWK(small.publicKey) })}.${part({ jti: 'j', htm: 'POST', htu: HTU, iat: NOW })}`;
    const short = `${input}.${sign('sha256', Buffer.from(input), small.privateKey).toString('base64url')}`;
    expect(() => verifyDpopProof(short, { htm: 'POST', htu: HTU, now: NOW })).toThrow(/too short/);
  });

  it('checks every proof in full when its header was seen before (the header checks are remembered, not the proof)', async () => {
    const { privateKey, publicKey } = keyPairs.ES256!();
    const other = keyPairs.ES256!();
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = part({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) });
    const proofBy = (key: KeyObject, claims: Record<string, unknown>) => {
      const input = `${header}.${part({ jti: randomUUID(), htm: 'POST', htu: HTU, iat: NOW, ...claims })}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };
    const expected = { htm: 'POST', htu: HTU, now: NOW };
    expect(verifyDpopProof(proofBy(privateKey, {}), expected).jkt).toBe(await calculateJwkThumbprint(await exportJWK(publicKey)));
    // same header, signed by another key
    expect(() => verifyDpopProof(proofBy(other.privateKey, {}), expected)).toThrow(/signature/);
    // same header, claims of another request
    expect(() => verifyDpopProof(proofBy(privateKey, { htm: 'GET' }), expected)).toThrow(/htm/);
    expect(() => verifyDpopProof(proofBy(privateKey, { htu: 'https://idp.example/t/acme/userinfo' }), expected)).toThrow(/htu/);
    expect(() => verifyDpopProof(proofBy(privateKey, { iat: NOW - 600 }), expected)).toThrow(/iat/);
  });
});

describe('jwkThumbprint', () => {
  it.each(['ES256', 'RS256', 'EdDSA'])('matches jose for a %s key', async (alg) => {
    const jwk = await exportJWK(keyPairs[alg]!().publicKey);
    expect(jwkThumbprint(jwk as Record<string, unknown>)).toBe(await calculateJwkThumbprint(jwk));
  });
  it('is null for a symmetric key or a missing member', () => {
    expect(jwkThumbprint({ kty: 'oct', k: 'AAAA' })).toBeNull();
    expect(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AAAA' })).toBeNull();
  });
});

describe('DpopNonces', () => {
  it('accepts the current and the previous window’s nonce, the same on every instance with the same key; not older ones', () => {
    let ms = NOW * 1000;
    const clock = { now: () => new Date(ms), advance: (by: number) => (ms += by) };
    const mac = (value: string) => createHash('sha256').update(`k:${value}`).digest('base64url');
    const nonces = new DpopNonces(mac, clock, 300_000);
    const other = new DpopNonces(mac, clock, 300_000);
    const first = nonces.current();
    expect(other.accepts(first)).toBe(true);
    clock.advance(300_000);
    expect(nonces.current()).not.toBe(first);
    expect(nonces.accepts(first)).toBe(true);
    expect(other.accepts(first)).toBe(true);
    clock.advance(300_000);
    expect(nonces.accepts(first)).toBe(false);
    expect(other.accepts(first)).toBe(false);
    expect(nonces.accepts('made-up')).toBe(false);
  });
});
