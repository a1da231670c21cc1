import type { RefreshTokenRecord } from './refresh-token-record';

export type RefreshTokenProblem = 'rotated' | 'revoked' | 'expired' | 'user_disabled' | 'client_disabled' | 'cut_off';

/**
 * Why a refresh token can no longer be used, or null when it can (RFC 6749
 * §6, RFC 9700 §4.14.2), as far as the record alone tells. Pure; the
 * complete rule, with the client and the tenant cutoffs, is
 * `RefreshTokenService.problemWith`, the one place every caller asks.
 */
export function refreshTokenProblem(
  record: RefreshTokenRecord,
  now: Date,
): Exclude<RefreshTokenProblem, 'client_disabled' | 'cut_off'> | null {
  if (record.rotatedAt) return 'rotated';
  if (record.familyRevokedAt) return 'revoked';
  if (record.scopeCutoffAt && record.createdAt.getTime() < record.scopeCutoffAt.getTime()) return 'revoked';
  if (record.expiresAt && record.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (record.userId && record.userEnabled !== true) return 'user_disabled';
  return null;
}
