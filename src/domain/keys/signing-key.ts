import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from './signing-algorithm';

/** A tenant's current signing key with its private half decrypted, held in memory only. */
export interface ActiveSigningKey {
  readonly kid: string;
  readonly tenantId: string;
  readonly algorithm: SigningAlgorithm;
  /** For {@link signJwt}; a node:crypto key object, never exported. */
  readonly privateKey: KeyObject;
}

/** A public key as verification and the JWKS need it. */
export interface VerificationKey {
  readonly kid: string;
  readonly tenantId: string;
  readonly algorithm: SigningAlgorithm;
  readonly publicKey: CryptoKey;
  readonly status: 'active' | 'retired';
  readonly publishUntil: Date | null;
}

/** The admin view of a key: public parts and lifecycle only. */
export interface SigningKeyInfo {
  readonly kid: string;
  readonly tenantId: string;
  readonly algorithm: SigningAlgorithm;
  readonly status: 'active' | 'retired';
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
  readonly publishUntil: Date | null;
  readonly publicJwk: Record<string, unknown>;
}
