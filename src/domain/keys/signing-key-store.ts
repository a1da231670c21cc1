import type { SigningAlgorithm } from './signing-algorithm';

/** A signing key as stored, public half only. */
export interface StoredSigningKey {
  readonly kid: string;
  readonly tenantId: string;
  readonly algorithm: SigningAlgorithm;
  readonly publicJwk: Record<string, unknown>;
  readonly status: 'active' | 'retired';
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
  /** A retired key stays in the JWKS until every token it signed has expired. */
  readonly publishUntil: Date | null;
}

/** A tenant's active key with its private half, sealed with the server secret. */
export interface StoredActiveSigningKey extends StoredSigningKey {
  readonly sealedPrivateJwk: string;
}

export interface NewSigningKey {
  readonly tenantId: string;
  readonly kid: string;
  readonly algorithm: SigningAlgorithm;
  readonly publicJwk: Record<string, unknown>;
  /** The private JWK, sealed with the server secret. */
  readonly sealedPrivateJwk: string;
}

/**
 * The storage signing keys need (implemented in `src/data/signing-key.repository.ts`):
 * plain values in and out. At most one key per tenant is `active`.
 */
export interface SigningKeyStore {
  findByKid(kid: string): Promise<StoredSigningKey | null>;
  findActive(tenantId: string): Promise<StoredActiveSigningKey | null>;
  /** Every active key and every retired key still published at `now`, newest first. */
  findPublished(now: Date): Promise<StoredSigningKey[]>;
  /** The tenant's keys, newest first. */
  listForTenant(tenantId: string): Promise<StoredSigningKey[]>;
  /** Inserts the tenant's first active key unless a concurrent first use already did. */
  insertActiveIfNone(key: NewSigningKey): Promise<void>;
  /** Atomically retires the active key (published until `publishUntil`) and inserts `key` as active. */
  replaceActive(key: NewSigningKey, now: Date, publishUntil: Date): Promise<StoredSigningKey>;
  /** The longest access token lifetime among the tenant's clients (seconds), null when it has none. */
  longestAccessTokenLifetime(tenantId: string): Promise<number | null>;
}
