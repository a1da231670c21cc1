import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningAlgorithm } from './signing-algorithm';

export interface GeneratedKeyPair {
  kid: string;
  publicJwk: JWK;
  privateJwk: JWK;
}

/** A fresh key pair for `algorithm`; the kid is the RFC 7638 thumbprint of the public key. */
export async function generateSigningKeyPair(algorithm: SigningAlgorithm): Promise<GeneratedKeyPair> {
  const options = algorithm === 'RS256' ? { extractable: true, modulusLength: 2048 } : { extractable: true };
  const { publicKey, privateKey } = await generateKeyPair(algorithm, options);
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return {
    kid,
    publicJwk: { ...publicJwk, kid, alg: algorithm, use: 'sig' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: algorithm },
  };
}
