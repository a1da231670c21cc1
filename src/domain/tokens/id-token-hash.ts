import { createHash } from 'node:crypto';
import type { SigningAlgorithm } from '../keys/signing-algorithm';

const DIGEST: Record<SigningAlgorithm, 'sha256' | 'sha512'> = {
  RS256: 'sha256',
  ES256: 'sha256',
  // EdDSA names no hash; for Ed25519 the OpenID Connect working group's token
  // hash guidance, openid-client/oauth4webapi and node-oidc-provider use SHA-512.
  EdDSA: 'sha512',
};

/**
 * OIDC Core §3.1.3.6 `at_hash` (and §3.3.2.11 `c_hash`): base64url of the
 * left-most half of the hash of the ASCII value, with the hash that belongs to
 * the ID Token's `alg`.
 */
export function idTokenHash(value: string, algorithm: SigningAlgorithm): string {
  const digest = createHash(DIGEST[algorithm]).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
