import type { User } from '../users/user';
import type { RevocationSnapshot } from './state/revocation-state';
import type { RevocationChanges } from './state/revocation-state-sync';

/** Which tokens a scoped revocation covers. */
export type RevocationScope =
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'client'; readonly clientId: string }
  | { readonly kind: 'tenant-subtree'; readonly tenantPath: string }
  | { readonly kind: 'family'; readonly familyId: string }
  | { readonly kind: 'device'; readonly deviceId: string };

/** Access tokens issued with the same key and second, counted instead of stored. */
export interface IssuanceBucket {
  readonly tenantId: string;
  readonly clientId: string;
  readonly userId: string | null;
  readonly familyId: string | null;
  /** `iat` and `exp`, epoch seconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Issued tokens; negative for tokens revoked one by one. */
  readonly count: number;
}

/** What the database says about an access token that verified cryptographically (one round trip). */
export interface StoredAccessTokenState {
  readonly jtiRevoked: boolean;
  /** Null when the token names no family or the family is unknown. */
  readonly familyRevoked: boolean | null;
  /** The latest user or client cutoff, epoch milliseconds; null when none. */
  readonly cutoffMs: number | null;
  /** The token's user; null when the token names none or the user is gone. */
  readonly user: User | null;
}

/**
 * The storage revocation needs (implemented in `src/data/revocation.repository.ts`):
 * plain values in and out.
 */
export interface RevocationStore {
  /** Records a revoked `jti` until `expiresAt`; idempotent. */
  insertRevokedToken(jti: string, tenantId: string, expiresAt: Date): Promise<void>;
  /** Marks a refresh family revoked; idempotent. */
  revokeFamily(familyId: string): Promise<void>;
  /** The state of an access token's jti, family, user/client cutoff and user; null when nothing could be read. */
  accessTokenState(jti: string, familyId: string | null, userId: string | null, clientId: string): Promise<StoredAccessTokenState | null>;
  /** The user of a user token, by id (a uuid); null when gone. */
  findUser(userId: string): Promise<User | null>;
  /** Everything the in-memory revocation state is loaded from. */
  loadRevocationSnapshot(): Promise<RevocationSnapshot>;
  /** What the change log recorded that the snapshot `since` did not see. */
  revocationChanges(since: string): Promise<RevocationChanges>;
  /**
   * Still-usable tokens in `scope` issued before `before` (null: whenever): live
   * refresh tokens (device ones included) and access tokens from the issuance
   * counters, leaving out tokens something else already made inactive.
   */
  countActive(scope: RevocationScope, before: Date | null, now: Date): Promise<number>;
  /** Raises the user's or client's cutoff to `at` (never lowers it). */
  setCutoff(kind: 'user' | 'client', subject: string, tenantId: string, at: Date): Promise<void>;
  /** Raises the tenant's `tokens_revoked_before` to `at` (never lowers it). */
  setTenantCutoff(tenantId: string, at: Date): Promise<void>;
  /** Adds the buckets to the stored counters (expired ones are deleted by `purgeExpired`). */
  addIssuance(buckets: readonly IssuanceBucket[]): Promise<void>;
}
