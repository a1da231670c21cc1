import type { SealPurpose } from './server-secret';

/**
 * The kinds of value stored sealed (re-sealable under a new key) or as keyed digests (not re-keyable without the secret).
 * Not listed: a refresh token's sealed successor (the reuse grace), which lives at most the grace period (≤ 300 s);
 * one sealed under a key since dropped cannot be opened, and the retry is then judged as reuse.
 */
export type SealedKind =
  'signingKeys' | 'totpSecrets' | 'clientSecrets' | 'mailBodies' | 'identityProviderSecrets' | 'webhookSecrets' | 'upstreamIdTokens';
export type DigestKind = 'clientSecretDigests' | 'registrationTokenDigests' | 'initialAccessTokenDigests';

/** What each sealed kind was sealed for (the associated data it must be opened with). */
export const SEAL_PURPOSES: Readonly<Record<SealedKind, SealPurpose>> = {
  signingKeys: 'signing-key',
  totpSecrets: 'totp-secret',
  clientSecrets: 'client-secret',
  mailBodies: 'mail-body',
  identityProviderSecrets: 'idp-client-secret',
  webhookSecrets: 'webhook-secret',
  upstreamIdTokens: 'upstream-id-token',
};

/** One stored sealed value: its row and the value as stored. */
export interface SealedRow {
  readonly id: string;
  readonly value: string;
}

/** Values per key id (`legacy`: stored before keyrings, naming no key). */
export type KeyIdCounts = Readonly<Record<string, number>>;

/**
 * The storage of every value sealed or keyed under SECRET_KEYS (implemented in
 * `src/data/sealed-value.repository.ts`), for the start-up check and `secrets rotate`.
 */
export interface SealedValueStore {
  /** The distinct key ids stored sealed values and digests name, with how many values name each (never `legacy`). */
  keyIdsInUse(): Promise<{ sealed: KeyIdCounts; digests: KeyIdCounts }>;
  /** Up to `limit` values of `kind` not sealed under `currentKeyId`, by id after `afterId`. */
  notSealedUnder(kind: SealedKind, currentKeyId: string, afterId: string | null, limit: number): Promise<SealedRow[]>;
  /** Replaces a value if it is still `from`; false when it changed meanwhile. */
  replace(kind: SealedKind, id: string, from: string, to: string): Promise<boolean>;
  /** Per key id (`legacy` for digests without one), the digests of `kind` not keyed under `currentKeyId`. */
  digestsNotUnder(kind: DigestKind, currentKeyId: string): Promise<KeyIdCounts>;
}
