import type { AccessTokenStateRow, RevocationRepository } from '../../data/revocation.repository';
import { userFromRow, type UserRow } from '../../data/user-row';
import type { AccessTokenClaims } from '../tokens/access-token-claims';
import { isUuid } from '../ids';
import type { AccessTokenState } from '../tokens/access-token.service';

/**
 * Server-side revocation state shared by every endpoint: revoked access tokens
 * by `jti`, revoked refresh families (RFC 7009, RFC 9700 §4.14.2). Read from
 * the database on every use, never cached, so it needs no change bus.
 */
export class RevocationService {
  constructor(private readonly revocations: RevocationRepository) {}

  /** Revokes one access token until it would have expired anyway. Idempotent. */
  async revokeAccessToken(claims: Pick<AccessTokenClaims, 'jti' | 'exp'>, tenantId: string): Promise<void> {
    await this.revocations.insertRevokedToken(claims.jti, tenantId, new Date(claims.exp * 1000));
  }

  /** Revokes a refresh family: its refresh tokens and every access token carrying its id. Idempotent. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.revocations.revokeFamily(familyId);
  }

  /**
   * {@link AccessTokenStateLookup}: one prepared statement deciding whether an
   * access token that verified cryptographically is still active (its jti not
   * revoked, its family, if any, not revoked, its user, if any, present and
   * enabled) and returning that user.
   */
  async accessTokenState(claims: AccessTokenClaims): Promise<AccessTokenState> {
    const userId = claims.sub !== claims.client_id && isUuid(claims.sub) ? claims.sub : null;
    const familyId = claims.sid && isUuid(claims.sid) ? claims.sid : null;
    const jti = isUuid(claims.jti) ? claims.jti : null;
    if (!jti) return INACTIVE;
    const row: AccessTokenStateRow | null = await this.revocations.accessTokenState(jti, familyId, userId, claims.client_id);
    if (!row || row.jti_revoked) return INACTIVE;
    // A user or client cutoff (revokeUserTokens, revokeClientTokens) after `iat`.
    if (row.cutoff_ms !== null && claims.iat * 1000 < row.cutoff_ms) return INACTIVE;
    if (familyId && row.family_revoked !== false) return INACTIVE;
    if (claims.sub !== claims.client_id) {
      // A user token: its user must exist and be enabled.
      if (!userId || row.id === null || !row.enabled) return INACTIVE;
      return { active: true, user: userFromRow(row as UserRow) };
    }
    return { active: true, user: null };
  }
}

const INACTIVE: AccessTokenState = Object.freeze({ active: false, user: null });
