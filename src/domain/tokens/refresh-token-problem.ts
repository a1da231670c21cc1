import type { RefreshTokenRecord } from './refresh-token-record';

export type RefreshTokenProblem = 'rotated' | 'revoked' | 'expired' | 'user_disabled';

/**
 * Why a refresh token can no longer be used, or null when it can (RFC 6749
 * §6, RFC 9700 §4.14.2). Pure; the tenant cutoff needs the tenant tree and is
 * checked by the service.
 */
export function refreshTokenProblem(record: RefreshTokenRecord, now: Date): RefreshTokenProblem | null {
  if (record.rotatedAt) return 'rotated';
  if (record.familyRevokedAt) return 'revoked';
  if (record.scopeCutoffAt && record.createdAt.getTime() < record.scopeCutoffAt.getTime()) return 'revoked';
  if (record.expiresAt && record.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (record.userId && record.userEnabled !== true) return 'user_disabled';
  return null;
}
