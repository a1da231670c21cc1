import type { SigningAlgorithm } from './signing-algorithm';

/**
 * A signing key as stored, public half only. `status` is `active` for the
 * tenant's newest key (at most one per tenant, whether it signs yet or is still
 * only published until `activatesAt`) and `retired` for every key a newer one
 * replaces: it signs until `retiredAt` (the successor's `activatesAt`) and stays
 * published until `publishUntil`.
 */
export interface StoredSigningKey {
  readonly kid: string;
  readonly tenantId: string;
  readonly algorithm: SigningAlgorithm;
  readonly publicJwk: Record<string, unknown>;
  readonly status: 'active' | 'retired';
  readonly createdAt: Date;
  /** When it starts signing: its creation for a tenant's first key, after the publication window for every later one. */
  readonly activatesAt: Date;
  /** When it stops (or stopped) signing: the successor's `activatesAt`. */
  readonly retiredAt: Date | null;
  /** A retired key stays in the JWKS until every token it signed has expired. */
  readonly publishUntil: Date | null;
}

/** A key that signs now or will, with its private half sealed with the server secret. */
export interface StoredSchedulableSigningKey extends StoredSigningKey {
  readonly sealedPrivateJwk: string;
}

export interface NewSigningKey {
  readonly tenantId: string;
  readonly kid: string;
  readonly algorithm: SigningAlgorithm;
  readonly publicJwk: Record<string, unknown>;
  /** The private JWK, sealed with the server secret. */
  readonly sealedPrivateJwk: string;
  /** When it starts signing. */
  readonly activatesAt: Date;
}

/** A tenant whose scheduled rotation is due: its active key and its policy. */
export interface DueRotation {
  readonly tenantId: string;
  readonly tenantPath: string;
  readonly signingAlgorithm: SigningAlgorithm;
  /** The active key, which the new one replaces. */
  readonly kid: string;
  readonly activatesAt: Date;
  readonly keyRotationDays: number;
  readonly keyPublicationSeconds: number;
}

/** A tenant that has no signing key (made before keys came with their tenant). */
export interface KeylessTenant {
  readonly tenantId: string;
  readonly signingAlgorithm: SigningAlgorithm;
}

/**
 * The storage signing keys need (implemented in `src/data/signing-key.repository.ts`):
 * plain values in and out. At most one key per tenant is `active`.
 */
export interface SigningKeyStore {
  findByKid(kid: string): Promise<StoredSigningKey | null>;
  /** The tenant's keys that sign at `now` or later (the `active` one, and retired ones whose `retiredAt` is after `now`), with their sealed private halves. */
  findSchedulable(tenantId: string, now: Date): Promise<StoredSchedulableSigningKey[]>;
  /** Every active key and every retired key still published at `now`, newest first. */
  findPublished(now: Date): Promise<StoredSigningKey[]>;
  /** The tenant's keys, newest first. */
  listForTenant(tenantId: string): Promise<StoredSigningKey[]>;
  /** Inserts the tenant's first key (as `active`) unless it has one already; false when it had. */
  insertActiveIfNone(key: NewSigningKey): Promise<boolean>;
  /**
   * Atomically retires the active key (signing until `key.activatesAt`,
   * published until `publishUntil`) and inserts `key` as active. With
   * `replacing`, only when that kid is still the active one: null otherwise,
   * and nothing written.
   */
  replaceActive(key: NewSigningKey, publishUntil: Date, replacing?: string): Promise<StoredSigningKey | null>;
  /** The longest access token lifetime among the tenant's clients (seconds), null when it has none. */
  longestAccessTokenLifetime(tenantId: string): Promise<number | null>;
  /**
   * Inside a transaction: takes the transaction-scoped lock of scheduled rotation
   * without waiting; false when another process holds it (it is rotating now).
   */
  tryLockRotation(): Promise<boolean>;
  /** Up to `limit` tenants with `keyRotationDays` whose active key's `activatesAt` + period − publication window is at or before `now`. */
  dueForRotation(now: Date, limit: number): Promise<DueRotation[]>;
  /** Up to `limit` tenants without an active key, by id after `afterId`. */
  keylessTenants(afterId: string | null, limit: number): Promise<KeylessTenant[]>;
}

/** Whether a stored key is in the JWKS at `now`: the active key (signing now or published ahead), and a retired key until its tokens have expired. */
export const isPublished = (key: Pick<StoredSigningKey, 'status' | 'publishUntil'>, now: Date): boolean =>
  key.status === 'active' || (key.publishUntil !== null && key.publishUntil > now);
