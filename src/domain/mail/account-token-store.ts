/** What a mailed single-use link lets its holder do. */
export type AccountTokenPurpose = 'password-reset' | 'email-verification' | 'invitation';

export interface NewAccountToken {
  /** SHA-256 of the token (base64url); the token itself is only in the mail. */
  readonly tokenHash: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly purpose: AccountTokenPurpose;
  /** For email verification: the address the link proves. */
  readonly email?: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

interface AccountTokenOwner {
  readonly userId: string;
  readonly tenantId: string;
  readonly email: string | null;
}

/** Single-use links mailed to users (implemented in src/data/account-token.repository.ts); writes join the caller's transaction. */
export interface AccountTokenStore {
  insert(token: NewAccountToken): Promise<void>;
  /** Whose unused, unexpired token of `purpose` this digest is (without using it); null otherwise. */
  peek(tokenHash: string, purpose: AccountTokenPurpose, now: Date): Promise<AccountTokenOwner | null>;
  /** Marks the token used, once: the user and tenant the first time, null when unknown, used, expired or of another purpose. */
  consume(tokenHash: string, purpose: AccountTokenPurpose, now: Date): Promise<AccountTokenOwner | null>;
  /** Every unused token of the user for `purpose` becomes unusable (a reset ends the other reset links). */
  discardOf(userId: string, purpose: AccountTokenPurpose, now: Date): Promise<void>;
}
