import type { DomainDeps } from '../deps';
import type { AccessTokenClaims } from '../tokens/access-token-claims';
import { isUuid } from '../ids';

/**
 * Server-side revocation state shared by every endpoint: revoked access tokens
 * by `jti`, revoked refresh families (RFC 7009, RFC 9700 §4.14.2).
 */
export class RevocationService {
  constructor(private readonly deps: DomainDeps) {}

  /** Revokes one access token until it would have expired anyway. Idempotent. */
  async revokeAccessToken(claims: Pick<AccessTokenClaims, 'jti' | 'exp'>, tenantId: string): Promise<void> {
    await this.deps.orm.em
      .fork()
      .getConnection()
      .execute('insert into revoked_tokens (jti, tenant_id, expires_at) values (?, ?, ?) on conflict (jti) do nothing', [
        claims.jti,
        tenantId,
        new Date(claims.exp * 1000),
      ]);
    await this.deps.bus.publish({ topic: 'revocation', key: claims.jti });
  }

  /** Revokes a refresh family: its refresh tokens and every access token carrying its id. Idempotent. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.deps.orm.em
      .fork()
      .getConnection()
      .execute('update token_families set revoked_at = now() where id = ? and revoked_at is null', [familyId]);
    await this.deps.bus.publish({ topic: 'revocation', key: familyId });
  }

  /**
   * One database round trip deciding whether an access token that verified
   * cryptographically is still active: its jti not revoked, its family (if
   * any) not revoked, its user (if any) still present and enabled.
   */
  async isAccessTokenActive(claims: AccessTokenClaims): Promise<boolean> {
    const userId = claims.sub !== claims.client_id && isUuid(claims.sub) ? claims.sub : null;
    const familyId = claims.sid && isUuid(claims.sid) ? claims.sid : null;
    const [row] = await this.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ jti_revoked: boolean; family_revoked: boolean | null; user_enabled: boolean | null }[]>(
        `select exists (select 1 from revoked_tokens where jti = ?) as jti_revoked,
                (select revoked_at is not null from token_families where id = ?) as family_revoked,
                (select enabled from users where id = ?) as user_enabled`,
        [isUuid(claims.jti) ? claims.jti : '00000000-0000-0000-0000-000000000000', familyId, userId],
      );
    if (!row || row.jti_revoked) return false;
    if (familyId && row.family_revoked !== false) return false;
    if (userId && row.user_enabled !== true) return false;
    return true;
  }
}

