import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import type { SigningAlgorithm } from '../../../../src/entities/tenant.entity';
import { generateSigningKeyPair } from '../../../../src/domain/keys/generate-key-pair';
import { signJwt } from '../../../../src/domain/keys/sign-jwt';

describe('signJwt (JWS compact serialization through node:crypto)', () => {
  it.each<SigningAlgorithm>(['RS256', 'ES256', 'EdDSA'])('signs %s JWTs that jose verifies against the public JWK', async (algorithm) => {
    const pair = await generateSigningKeyPair(algorithm);
    const key = {
      kid: pair.kid,
      tenantId: 't',
      algorithm,
      privateKey: createPrivateKey({ key: pair.privateJwk as JsonWebKey, format: 'jwk' }),
    };
    const claims = { iss: 'https://idp.example', sub: 'ünïcode ✓', scope: 'openid email', exp: 4_102_444_800, nested: { a: [1, 2] } };

    const token = await signJwt(key, 'at+jwt', claims);

    expect(decodeProtectedHeader(token)).toEqual({ alg: algorithm, typ: 'at+jwt', kid: pair.kid });
    const { payload } = await jwtVerify(token, await importJWK(pair.publicJwk as JWK, algorithm), {
      algorithms: [algorithm],
      typ: 'at+jwt',
    });
    expect(payload).toEqual(claims);
    if (algorithm === 'ES256') expect(Buffer.from(token.split('.')[2]!, 'base64url')).toHaveLength(64); // R || S, not DER
  });

  it('produces a signature that fails verification once the payload is altered', async () => {
    const pair = await generateSigningKeyPair('ES256');
    const key = {
      kid: pair.kid,
      tenantId: 't',
      algorithm: 'ES256' as const,
      privateKey: createPrivateKey({ key: pair.privateJwk as JsonWebKey, format: 'jwk' }),
    };
    const [header, , signature] = (await signJwt(key, 'JWT', { sub: 'alice' })).split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'mallory' })).toString('base64url')}.${signature}`;
    await expect(jwtVerify(forged, await importJWK(pair.publicJwk as JWK, 'ES256'))).rejects.toThrow();
  });
});
