/** A user's TOTP factor as stored: the secret only sealed with the server secret. */
export interface StoredFactor {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly kind: 'totp';
  readonly secretSealed: string;
  /** Null until the user entered a first valid code: an unconfirmed factor does not count. */
  readonly confirmedAt: Date | null;
  /** The last accepted RFC 6238 time step; a code of that step or an earlier one is refused. */
  readonly lastStep: number | null;
  readonly createdAt: Date;
}

/** The storage second factors need (implemented in `src/data/second-factor.repository.ts`). */
export interface SecondFactorStore {
  findTotp(userId: string): Promise<StoredFactor | null>;
  /** Stores a fresh unconfirmed factor, replacing an unconfirmed one; false when a confirmed one exists. */
  putUnconfirmed(factor: Omit<StoredFactor, 'confirmedAt' | 'lastStep' | 'createdAt'>, now: Date): Promise<boolean>;
  /**
   * Records `step` as accepted (and the factor confirmed at `now`) only when it is later than the
   * last accepted one, in one statement: two processes never accept the same code. False otherwise.
   */
  acceptStep(factorId: string, step: number, now: Date): Promise<boolean>;
  /** Replaces the user's recovery codes with these SHA-256 digests. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[], now: Date): Promise<void>;
  /** Marks an unused recovery code used at `now`; false when unknown or used (one statement). */
  useRecoveryCode(userId: string, codeHash: string, now: Date): Promise<boolean>;
  countUnusedRecoveryCodes(userId: string): Promise<number>;
  /** Deletes every factor and recovery code of the user; returns how many factors there were. */
  deleteAll(userId: string): Promise<number>;
}
