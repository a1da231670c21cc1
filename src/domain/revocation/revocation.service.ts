import type { DomainDeps } from '../deps';
import type { AccessTokenClaims } from '../tokens/access-token-claims';
import { isUuid } from '../ids';
import { preparedStatement } from '../prepared-queries';
import type { AccessTokenState } from '../tokens/access-token.service';
import { userColumns, userFromRow, type UserRow } from '../users/user-row';

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
  }

  /** Revokes a refresh family: its refresh tokens and every access token carrying its id. Idempotent. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.deps.orm.em
      .fork()
      .getConnection()
      .execute('update token_families set revoked_at = now() where id = ? and revoked_at is null', [familyId]);
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
    const [row] = await this.deps.sql.rows<StateRow>(ACCESS_TOKEN_STATE, [jti, familyId, userId]);
    if (!row || row.jti_revoked) return INACTIVE;
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

type StateRow = { jti_revoked: boolean; family_revoked: boolean | null } & { [K in keyof UserRow]: UserRow[K] | null };

/** Exported for the benchmark's EXPLAIN of the hot queries. */
export const ACCESS_TOKEN_STATE = preparedStatement(
  'access_token_state',
  `select exists (select 1 from revoked_tokens where jti = $1::uuid) as jti_revoked,
          (select revoked_at is not null from token_families where id = $2::uuid) as family_revoked,
          ${userColumns('u')}
     from (select 1) as one left join users u on u.id = $3::uuid`,
);
