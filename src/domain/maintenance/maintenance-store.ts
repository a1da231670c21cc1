/** How many rows {@link MaintenanceStore.purgeExpired} deleted, per kind. */
export interface PurgeCounts {
  authorizationCodes: number;
  revokedTokens: number;
  browserSessions: number;
  refreshTokens: number;
  /** Sealed successors kept with rotated refresh tokens (reuse grace), cleared once no grace can reach them. */
  sealedSuccessors: number;
  rateLimitHits: number;
  /** Access-token issuance counters of tokens that have all expired. */
  tokenIssuance: number;
  /** Revocation change-log rows older than an hour (every process reads the log every few seconds, or reloads in full after 10 minutes without). */
  revocationChanges: number;
  /** Single-use identifiers (assertion and proof `jti`, `request_uri`) past expiry. */
  usedIdentifiers: number;
  /** RFC 8628 device authorization requests a day past expiry (whatever their status: an expired one can no longer be redeemed). */
  deviceAuthorizations: number;
  /** Mailed single-use links (reset, verification, invitation) a day past expiry, used or not. */
  accountTokens: number;
  /** Outbox mail sent more than 30 days ago (failed mail stays until an operator looks). */
  sentMail: number;
}

/** The housekeeping storage needs (implemented in `src/data/maintenance.repository.ts`). */
export interface MaintenanceStore {
  /** Deletes what can no longer matter as of `now` (see `purgeExpired`); idempotent, safe from several processes at once. */
  purgeExpired(now: Date): Promise<PurgeCounts>;
}
