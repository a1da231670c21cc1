import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

/** Verifies an ID Token against the server's published JWKS (fresh fetch, so new tenant keys are found). */
export async function verifyIdToken(
  baseUrl: string,
  issuer: string,
  idToken: string,
  audience: string,
): Promise<{ payload: JWTPayload & Record<string, unknown>; protectedHeader: ProtectedHeaderParameters }> {
  const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`), { cooldownDuration: 0, cacheMaxAge: 0 });
  return jwtVerify(idToken, jwks, { issuer, audience, typ: 'JWT' });
}

/** OIDC Core §3.1.3.6 at_hash, recomputed independently of the server's code. */
export function expectedAtHash(accessToken: string, alg: string): string {
  const hash = alg === 'EdDSA' ? 'sha512' : `sha${alg.slice(2)}`;
  const digest = createHash(hash).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
