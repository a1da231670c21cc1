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

/**
 * The storage scoped revocation needs (implemented in `src/data/revocation.repository.ts`).
 */
export interface RevocationStore {
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
