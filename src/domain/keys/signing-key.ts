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

/**
 * One of a tenant's keys that signs now or will: it signs from `activatesAtMs`
 * (epoch ms, domain clock) until the next key of the tenant activates. A new
 * key is in the JWKS for `defaults.keyPublicationSeconds` before it activates.
 */
export interface ScheduledSigningKey extends ActiveSigningKey {
  readonly activatesAtMs: number;
}

/** A key's lifecycle at a given moment: `pending` is published but does not sign yet, `active` signs, `retired` only verifies until `publishUntil`. */
export type SigningKeyState = 'pending' | 'active' | 'retired';

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
  /** At the time of the request. */
  readonly status: SigningKeyState;
  readonly createdAt: Date;
  /** When it starts signing; before then it is only published (`pending`). */
  readonly activatesAt: Date;
  readonly retiredAt: Date | null;
  readonly publishUntil: Date | null;
  readonly publicJwk: Record<string, unknown>;
}
