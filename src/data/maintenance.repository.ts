import type { MaintenanceStore, PurgeCounts } from '../domain/maintenance/maintenance-store';
import { MAX_REFRESH_REUSE_GRACE_SECONDS } from '../domain/tokens/refresh-reuse-grace';
import type { Database } from './database';

/** Housekeeping statements over every table with expiring rows. */
export class MaintenanceRepository implements MaintenanceStore {
  constructor(private readonly db: Database) {}

  /**
   * Deletes, as of `now`: authorization codes an hour past expiry, revocation
   * records of expired access tokens, ended or expired browser sessions,
   * expired refresh tokens (device-bound ones never expire), issuance counters
   * of expired access tokens, rate-limit hits past their window, revocation
   * change-log rows older than an hour, sealed successors of refresh tokens rotated longer ago than any reuse grace, single-use identifiers past expiry, RFC 8628 device authorizations a day past expiry.
   * Idempotent; safe from several processes at once.
   */
  async purgeExpired(now: Date): Promise<PurgeCounts> {
    const count = async (sql: string): Promise<number> =>
      (await this.db.execute<{ affectedRows?: number }>(sql, [now], 'run')).affectedRows ?? 0;
    return {
      authorizationCodes: await count(`delete from authorization_codes where expires_at < ?::timestamptz - interval '1 hour'`),
      revokedTokens: await count('delete from revoked_tokens where expires_at < ?'),
      browserSessions: await count('delete from browser_sessions where expires_at < ? or ended_at is not null'),
      refreshTokens: await count('delete from refresh_tokens where expires_at < ?'),
      sealedSuccessors: await count(
        `update refresh_tokens set successor_sealed = null
          where successor_sealed is not null and rotated_at < ?::timestamptz - make_interval(secs => ${MAX_REFRESH_REUSE_GRACE_SECONDS})`,
      ),
      rateLimitHits: await count('delete from rate_limit_hits where expires_at <= ?'),
      tokenIssuance: await count('delete from token_issuance where expires_at <= extract(epoch from ?::timestamptz)'),
      revocationChanges: await count(`delete from revocation_changes where created_at < ?::timestamptz - interval '1 hour'`),
      usedIdentifiers: await count('delete from used_identifiers where expires_at <= ?'),
      deviceAuthorizations: await count(`delete from device_authorizations where expires_at < ?::timestamptz - interval '1 day'`),
      accountTokens: await count(`delete from account_tokens where expires_at < ?::timestamptz - interval '1 day'`),
      sentMail: await count(`delete from mail_outbox where status = 'sent' and sent_at < ?::timestamptz - interval '30 days'`),
    };
  }
}
