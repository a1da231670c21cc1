import { sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import type { SigningAlgorithm } from './signing-algorithm';
import type { ActiveSigningKey } from './signing-key';

/** node:crypto's digest and signature encoding for each JWS algorithm we sign with (RFC 7518 §3.3, §3.4; RFC 8037 §3.1). */
const SIGNATURE_PARAMS: Readonly<Record<SigningAlgorithm, { digest: string | null; dsaEncoding?: 'ieee-p1363' }>> = {
  RS256: { digest: 'sha256' },
  // JWS carries ECDSA signatures as R || S (RFC 7518 §3.4), not DER.
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
  EdDSA: { digest: null },
};

const base64url = (json: string): string => Buffer.from(json, 'utf8').toString('base64url');

/**
 * Signs a JWT in JWS compact serialization (RFC 7515 §7.1, RFC 7519 §7.1)
 * with the header `{alg, typ, kid}`. The signature runs on the libuv thread
 * pool through node:crypto directly: the token path's one expensive step,
 * without WebCrypto's per-call overhead. Verification stays with jose.
 */
export function signJwt(key: ActiveSigningKey, typ: string, claims: object): Promise<string> {
  const input = `${base64url(JSON.stringify({ alg: key.algorithm, typ, kid: key.kid }))}.${base64url(JSON.stringify(claims))}`;
  const { digest, dsaEncoding } = SIGNATURE_PARAMS[key.algorithm];
  const privateKey: KeyObject | SignKeyObjectInput = dsaEncoding ? { key: key.privateKey, dsaEncoding } : key.privateKey;
  return new Promise((resolve, reject) => {
    sign(digest, Buffer.from(input, 'utf8'), privateKey, (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}
