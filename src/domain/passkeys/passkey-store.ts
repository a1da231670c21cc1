import type { User } from '../users/user';

/** A WebAuthn credential (passkey or security key) as stored: the public key only, never a secret. */
export interface StoredPasskey {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  /** The credential ID the authenticator chose, base64url. */
  readonly credentialId: string;
  /** The COSE public key from the attested credential data. */
  readonly publicKey: Uint8Array;
  /** The last signature counter seen (0 for authenticators that keep none). */
  readonly counter: number;
  /** The transports the browser reported at registration (hints for `allowCredentials`). */
  readonly transports: readonly string[];
  /** BE flag at registration: the credential may be synced (a multi-device passkey). */
  readonly backupEligible: boolean;
  /** BS flag, as of the last use: the credential is backed up now. */
  readonly backedUp: boolean;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

/** A credential with its user as read in the same round trip (null when the user is gone): a sign-in needs both. */
export interface PasskeyWithOwner extends StoredPasskey {
  readonly owner: User | null;
}

/** The storage passkeys need (implemented in `src/data/passkey.repository.ts`). */
export interface PasskeyStore {
  listByUser(userId: string): Promise<StoredPasskey[]>;
  countByUser(userId: string): Promise<number>;
  findByCredentialId(credentialId: string): Promise<PasskeyWithOwner | null>;
  /** Stores a new credential; false when that credential ID is already registered (to anyone). */
  insert(passkey: Omit<StoredPasskey, 'lastUsedAt'>): Promise<boolean>;
  /**
   * Records a verified use (the new counter, the backup state and `lastUsedAt`) only while the stored
   * counter is still `seenCounter` (two processes never both accept assertions for the same old counter),
   * in one statement with the claim of the assertion's challenge (a `used_identifiers`
   * key, inserted or taking over an expired row exactly like `ReplayStore.claim`): the use is
   * recorded only when the claim succeeds; a claim that succeeds stays made even when the counter
   * moved meanwhile. One round trip and one commit; atomic and cross-process like each alone.
   */
  claimAndRecordUse(
    claim: { readonly key: string; readonly expiresAt: Date },
    id: string,
    seenCounter: number,
    newCounter: number,
    backedUp: boolean,
    now: Date,
  ): Promise<{ claimed: boolean; stored: boolean }>;
  /** Renames one of the user's credentials; false when the user has no such credential. */
  rename(userId: string, id: string, name: string): Promise<boolean>;
  /** Removes one of the user's credentials; false when the user has no such credential. */
  remove(userId: string, id: string): Promise<boolean>;
  /** Removes every credential of the user; returns how many there were. */
  deleteAll(userId: string): Promise<number>;
}
