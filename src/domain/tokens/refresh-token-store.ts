import type { RefreshTokenRecord } from './refresh-token-record';

/** A token family (one grant) as stored. */
export interface NewTokenFamily {
  readonly id: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly userId: string | null;
  readonly deviceId: string | null;
  readonly scopes: readonly string[];
  /** RFC 8707 resources the grant was given. */
  readonly resources?: readonly string[];
  readonly authTime: Date | null;
  /** RFC 8176 methods and acr of the sign-in behind the grant. */
  readonly amr?: readonly string[];
  readonly acr?: string | null;
  /** The browser session the grant's code was issued under; null for other grants. */
  readonly sessionSid?: string | null;
  readonly nonce: string | null;
  /** RFC 9449 §5: the DPoP key thumbprint the family's refresh tokens are bound to (public clients); null when unbound. */
  readonly dpopJkt?: string | null;
  readonly createdAt: Date;
}

/** A refresh token as stored: its SHA-256 only, never its value. */
export interface NewRefreshToken {
  readonly tokenHash: string;
  readonly familyId: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Null only for device-bound tokens, which never expire. */
  readonly expiresAt: Date | null;
  readonly createdAt: Date;
}

/**
 * The storage refresh tokens need (implemented in `src/data/refresh-token.repository.ts`):
 * plain values in and out. Writes join the caller's transaction when made
 * inside `Transactions.run`.
 */
export interface RefreshTokenStore {
  insertFamily(family: NewTokenFamily): Promise<void>;
  insertToken(token: NewRefreshToken): Promise<void>;
  /** The token by its SHA-256 with its family's and user's state, read at once; null when unknown. */
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /**
   * Marks token `id` rotated at `now` (keeping `successorSealed` with it, or null) and inserts its
   * successor (same family and scopes) atomically, in one statement; false when a concurrent use rotated it first.
   */
  rotate(
    id: string,
    now: Date,
    successor: { id: string; tokenHash: string; expiresAt: Date | null; sealed: string | null },
  ): Promise<boolean>;
}
