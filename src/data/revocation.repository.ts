import type { Database } from './database';
import { preparedStatement } from './prepared-queries';
import { userColumns, type UserRow } from './user-row';

/** What {@link ACCESS_TOKEN_STATE} returns: revocation flags and the token's user columns (all null when no user). */
export type AccessTokenStateRow = { jti_revoked: boolean; family_revoked: boolean | null } & { [K in keyof UserRow]: UserRow[K] | null };

/** Exported for the benchmark's EXPLAIN of the hot queries. */
export const ACCESS_TOKEN_STATE = preparedStatement(
  'access_token_state',
  `select exists (select 1 from revoked_tokens where jti = $1::uuid) as jti_revoked,
          (select revoked_at is not null from token_families where id = $2::uuid) as family_revoked,
          ${userColumns('u')}
     from (select 1) as one left join users u on u.id = $3::uuid`,
);

/** Revoked access tokens (by `jti`) and revoked refresh families. */
export class RevocationRepository {
  constructor(private readonly db: Database) {}

  /** Records a revoked `jti` until `expiresAt`; idempotent. */
  async insertRevokedToken(jti: string, tenantId: string, expiresAt: Date): Promise<void> {
    await this.db.execute('insert into revoked_tokens (jti, tenant_id, expires_at) values (?, ?, ?) on conflict (jti) do nothing', [jti, tenantId, expiresAt]);
  }

  /** Marks a refresh family revoked; idempotent. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.db.execute('update token_families set revoked_at = now() where id = ? and revoked_at is null', [familyId]);
  }

  /** One prepared round trip: whether `jti` or the family is revoked, and the user's row (null columns when none). */
  async accessTokenState(jti: string, familyId: string | null, userId: string | null): Promise<AccessTokenStateRow | null> {
    const [row] = await this.db.sql.rows<AccessTokenStateRow>(ACCESS_TOKEN_STATE, [jti, familyId, userId]);
    return row ?? null;
  }
}
