import type { DomainDeps } from '../deps';

export interface PurgeCounts {
  authorizationCodes: number;
  revokedTokens: number;
  browserSessions: number;
  refreshTokens: number;
  rateLimitHits: number;
}

/**
 * Deletes rows that can no longer matter: authorization codes an hour past
 * expiry (replays inside that hour still revoke what the code issued),
 * revocation records of access tokens that have expired anyway, ended or
 * expired browser sessions, and expired refresh tokens (device-bound ones never
 * expire), and rate-limit hits past their window. Idempotent and safe to run from several processes at once.
 */
export async function purgeExpired(deps: Pick<DomainDeps, 'orm' | 'clock'>): Promise<PurgeCounts> {
  const connection = deps.orm.em.fork().getConnection();
  const now = deps.clock.now();
  const count = async (sql: string): Promise<number> => {
    const result = await connection.execute<{ affectedRows?: number }>(sql, [now], 'run');
    return result.affectedRows ?? 0;
  };
  return {
    authorizationCodes: await count(`delete from authorization_codes where expires_at < ?::timestamptz - interval '1 hour'`),
    revokedTokens: await count('delete from revoked_tokens where expires_at < ?'),
    browserSessions: await count('delete from browser_sessions where expires_at < ? or ended_at is not null'),
    refreshTokens: await count('delete from refresh_tokens where expires_at < ?'),
    rateLimitHits: await count('delete from rate_limit_hits where expires_at <= ?'),
  };
}
