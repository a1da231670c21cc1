import type { RevocationSnapshot } from '../domain/revocation/state/revocation-state';
import type { RevocationChanges } from '../domain/revocation/state/revocation-state-sync';
import { DEVICE_RETENTION_SECONDS, REVOKED_ENTRY_MARGIN_SECONDS } from '../domain/revocation/state/revoked-id-set';
import { DEVICE_TOKEN_LIFETIME_SECONDS } from '../domain/device-token-sets/device-token-set';
import type { IssuanceBucket, RevocationScope, RevocationStore, StoredAccessTokenState } from '../domain/revocation/revocation-store';
import type { User } from '../domain/users/user';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';
import { subtreePattern } from './subtree-pattern';
import { userColumns, userFromRow, type UserRow } from './user-row';

/** What {@link ACCESS_TOKEN_STATE} returns: revocation flags, the latest user/client cutoff and the token's user columns (all null when no user). */
type AccessTokenStateRow = { jti_revoked: boolean; family_revoked: boolean | null; cutoff_ms: number | null } & {
  [K in keyof UserRow]: UserRow[K] | null;
};

/**
 * The latest user or client cutoff (`token_cutoffs`) for a token's user and
 * client, as epoch milliseconds, or null: a select-list expression.
 */
export const SCOPE_CUTOFF_MS = (userIdSql: string, clientIdSql: string): string =>
  `(select (extract(epoch from max(cutoff)) * 1000)::float8 from token_cutoffs
     where (kind = 'user' and subject = ${userIdSql}) or (kind = 'client' and subject = ${clientIdSql}))`;

/** @public Exported for the benchmark's EXPLAIN of the hot queries (bench/lib/growth.js reads it from dist/, which knip cannot follow). */
export const ACCESS_TOKEN_STATE = preparedStatement(
  'access_token_state',
  `select exists (select 1 from revoked_tokens where jti = $1::uuid) as jti_revoked,
          (select revoked_at is not null from token_families where id = $2::uuid) as family_revoked,
          ${SCOPE_CUTOFF_MS('$3::uuid::text', '$4::text')} as cutoff_ms,
          ${userColumns('u')}
     from (select 1) as one left join users u on u.id = $3::uuid`,
);

/** The user of a user token (the revocation state caches it). */
const TOKEN_USER = preparedStatement('token_user_by_id', `select ${userColumns('u')} from users u where u.id = $1`);

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)`;

/**
 * SQL for `familyRetentionSeconds` (revoked-id-set.ts) of a client's lifetime high-water
 * (`clients.access_token_lifetime_max`); keep the two in step.
 */
const familyRetentionSql = (lifetimeMax: string) =>
  `(greatest(${lifetimeMax}, ${DEVICE_TOKEN_LIFETIME_SECONDS}) + ${REVOKED_ENTRY_MARGIN_SECONDS})`;
/** `familyRetentionSeconds` of the longest lifetime any client has had: the retention of families revoked by events. */
const GLOBAL_FAMILY_RETENTION = `(select ${familyRetentionSql('coalesce(max(access_token_lifetime_max), 0)')} from clients)::float8`;

/**
 * The latest cutoff of the tenant lineage (the tenant or an ancestor) of `tenantIdColumn`, epoch ms.
 * Ancestry is a literal prefix test (`starts_with`), not LIKE: `_` is legal in tenant paths.
 */
const tenantCutoff = (tenantIdColumn: string) =>
  `(select ${ms('max(a.tokens_revoked_before)')} from tenants t join tenants a
      on a.path = t.path or a.path = '/' or starts_with(t.path, a.path || '/') where t.id = ${tenantIdColumn})`;
const subjectCutoff = (kind: string, subjectExpr: string) =>
  `(select ${ms('cutoff')} from token_cutoffs where kind = '${kind}' and subject = ${subjectExpr})`;

/**
 * Revocation state: revoked access tokens (by `jti`), revoked refresh families,
 * user/client cutoffs (`token_cutoffs`), tenant cutoffs and the access-token
 * issuance counters (`token_issuance`) scoped revocation counts with.
 */
export class RevocationRepository implements RevocationStore {
  constructor(private readonly db: Database) {}

  /** Records a revoked `jti` until `expiresAt`; idempotent. */
  async insertRevokedToken(jti: string, tenantId: string, expiresAt: Date): Promise<void> {
    await this.db.execute('insert into revoked_tokens (jti, tenant_id, expires_at) values (?, ?, ?) on conflict (jti) do nothing', [
      jti,
      tenantId,
      expiresAt,
    ]);
  }

  /** Marks a refresh family revoked; idempotent. */
  async revokeFamily(familyId: string): Promise<void> {
    await this.db.execute('update token_families set revoked_at = now() where id = ? and revoked_at is null', [familyId]);
  }

  /** One prepared round trip: whether `jti` or the family is revoked, the user/client cutoff, and the user. */
  async accessTokenState(
    jti: string,
    familyId: string | null,
    userId: string | null,
    clientId: string,
  ): Promise<StoredAccessTokenState | null> {
    const [row] = await this.db.sql.rows<AccessTokenStateRow>(ACCESS_TOKEN_STATE, [jti, familyId, userId, clientId]);
    if (!row) return null;
    return {
      jtiRevoked: row.jti_revoked,
      familyRevoked: row.family_revoked,
      cutoffMs: row.cutoff_ms,
      user: row.id === null ? null : userFromRow(row as UserRow),
    };
  }

  /** One prepared round trip, no entity hydration. */
  async findUser(userId: string): Promise<User | null> {
    const [row] = await this.db.sql.rows<UserRow>(TOKEN_USER, [userId]);
    return row ? userFromRow(row) : null;
  }

  /**
   * The in-memory revocation state's snapshot: the change log's high-water
   * mark first (a transaction snapshot: whatever it did not see is read from
   * the log later), then, in parallel, unexpired revoked jtis as one bytea
   * of 20-byte records in table order (uuid bytes, expiry uint32 seconds; the
   * state sorts them, which is cheaper than an index-order scan), the revoked
   * families and devices still needed in memory with the epoch second each
   * is needed until (revoked within `familyRetentionSeconds` of their
   * client's lifetime high-water, within {@link DEVICE_RETENTION_SECONDS}),
   * user/client cutoffs, and the retention of families revoked by events.
   */
  async loadRevocationSnapshot(): Promise<RevocationSnapshot> {
    const highWater = await this.changeLogMark();
    const [[jtis], families, devices, cutoffs, [retention]] = await Promise.all([
      this.db.execute<{ records: Buffer | null }[]>(
        `select string_agg(uuid_send(jti) || int4send(least(date_part('epoch', expires_at), 2147483647)::int), ''::bytea) as records
           from revoked_tokens where expires_at > now()`,
      ),
      this.db.execute<{ id: string; until: number }[]>(
        `select f.id::text as id, (extract(epoch from f.revoked_at) + ${familyRetentionSql('c.access_token_lifetime_max')})::float8 as until
           from token_families f join clients c on c.client_id = f.client_id
          where f.revoked_at > now() - make_interval(secs => ${familyRetentionSql('c.access_token_lifetime_max')})`,
      ),
      this.db.execute<{ id: string; until: number }[]>(
        `select id::text as id, (extract(epoch from revoked_at) + ${DEVICE_RETENTION_SECONDS})::float8 as until
           from devices where revoked_at > now() - make_interval(secs => ${DEVICE_RETENTION_SECONDS})`,
      ),
      this.db.execute<{ key: string; ms: number }[]>(
        `select kind || ':' || subject as key, (extract(epoch from cutoff) * 1000)::float8 as ms from token_cutoffs`,
      ),
      this.db.execute<{ seconds: number }[]>(`select ${GLOBAL_FAMILY_RETENTION} as seconds`),
    ]);
    return {
      jtis: jtis?.records ?? new Uint8Array(0),
      families: families.map((row) => [row.id, Math.ceil(Number(row.until))] as const),
      devices: devices.map((row) => [row.id, Math.ceil(Number(row.until))] as const),
      cutoffs: cutoffs.map((row) => [row.key, Number(row.ms)] as const),
      familyRetentionSeconds: Number(retention!.seconds),
      highWater,
    };
  }

  /**
   * What `revocation_changes` recorded (in the writers' transactions, by
   * trigger) that the snapshot `since` did not see: rows of transactions
   * that were still running then or started later. The mark is the reading
   * statement's own snapshot (`pg_current_snapshot()`), so a transaction that
   * commits late is read once it has, and no row is read twice.
   */
  async revocationChanges(since: string): Promise<RevocationChanges> {
    const [row] = await this.db.execute<{ high_water: string; keys: string[] | null; retention: number }[]>(
      `select pg_current_snapshot()::text as high_water,
              (select array_agg(key order by id) from revocation_changes
                where xid >= pg_snapshot_xmin(?::pg_snapshot) and not pg_visible_in_snapshot(xid, ?::pg_snapshot)) as keys,
              ${GLOBAL_FAMILY_RETENTION} as retention`,
      [since, since],
    );
    return { highWater: row!.high_water, keys: row!.keys ?? [], familyRetentionSeconds: Number(row!.retention) };
  }

  private async changeLogMark(): Promise<string> {
    const [row] = await this.db.execute<{ high_water: string }[]>('select pg_current_snapshot()::text as high_water');
    return row!.high_water;
  }

  async countActive(scope: RevocationScope, before: Date | null, now: Date): Promise<number> {
    const beforeMs = before ? before.getTime() : Number.MAX_SAFE_INTEGER;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const access = this.scoped(scope, 'i');
    const refresh = this.scoped(scope, 'f');
    const [row] = await this.db.execute<{ access: string | null; refresh: string | null }[]>(
      `select
        (select coalesce(sum(i.count), 0) from token_issuance i
           join clients c on c.client_id = i.client_id and c.enabled
           left join users u on u.id = i.user_id
           left join token_families f on f.id = i.family_id
          where ${access.sql} and i.expires_at > ? and i.issued_at * 1000 < ?
            and (i.user_id is null or u.enabled) and (i.family_id is null or f.revoked_at is null)
            and i.issued_at * 1000 >= coalesce(greatest(${tenantCutoff('i.tenant_id')}, ${subjectCutoff('user', 'i.user_id::text')}, ${subjectCutoff('client', 'i.client_id')}), 0)
        ) as access,
        (select count(*) from refresh_tokens rt
           join token_families f on f.id = rt.family_id
           join clients c on c.client_id = rt.client_id and c.enabled
           left join users u on u.id = f.user_id
          where ${refresh.sql} and rt.rotated_at is null and f.revoked_at is null
            and (rt.expires_at is null or rt.expires_at > ?) and (f.user_id is null or u.enabled)
            and ${ms('rt.created_at')} < ?
            and ${ms('rt.created_at')} >= coalesce(greatest(${tenantCutoff('rt.tenant_id')}, ${subjectCutoff('user', 'f.user_id::text')}, ${subjectCutoff('client', 'rt.client_id')}), 0)
        ) as refresh`,
      [...access.values, nowSeconds, beforeMs, ...refresh.values, now, beforeMs],
    );
    return Number(row?.access ?? 0) + Number(row?.refresh ?? 0);
  }

  /** The scope's filter; a family's refresh tokens are found through `f.id`. */
  private scoped(scope: RevocationScope, alias: 'i' | 'f'): { sql: string; values: unknown[] } {
    switch (scope.kind) {
      case 'user':
        return { sql: `${alias}.user_id = ?::uuid`, values: [scope.userId] };
      case 'client':
        return { sql: `${alias}.client_id = ?`, values: [scope.clientId] };
      case 'family':
        return { sql: `${alias === 'f' ? 'f.id' : 'i.family_id'} = ?::uuid`, values: [scope.familyId] };
      case 'device':
        return alias === 'f'
          ? { sql: 'f.device_id = ?::uuid', values: [scope.deviceId] }
          : { sql: 'i.family_id in (select id from token_families where device_id = ?::uuid)', values: [scope.deviceId] };
      case 'tenant-subtree':
        return {
          sql: `${alias}.tenant_id in (select id from tenants where ?::text = '/' or path = ? or path like ?)`,
          values: [scope.tenantPath, scope.tenantPath, subtreePattern(scope.tenantPath)],
        };
    }
  }

  async setCutoff(kind: 'user' | 'client', subject: string, tenantId: string, at: Date): Promise<void> {
    await this.db.execute(
      `insert into token_cutoffs (kind, subject, tenant_id, cutoff) values (?, ?, ?, ?)
       on conflict (kind, subject) do update set cutoff = greatest(token_cutoffs.cutoff, excluded.cutoff)`,
      [kind, subject, tenantId, at],
      'run',
    );
  }

  async setTenantCutoff(tenantId: string, at: Date): Promise<void> {
    await this.db.execute(
      'update tenants set tokens_revoked_before = greatest(tokens_revoked_before, ?::timestamptz), updated_at = now() where id = ?',
      [at, tenantId],
      'run',
    );
  }

  async addIssuance(buckets: readonly IssuanceBucket[]): Promise<void> {
    if (buckets.length === 0) return;
    const json = JSON.stringify(
      buckets.map((b) => ({ t: b.tenantId, c: b.clientId, u: b.userId, f: b.familyId, i: b.issuedAt, e: b.expiresAt, n: b.count })),
    );
    await this.db.execute(
      `insert into token_issuance (tenant_id, client_id, user_id, family_id, issued_at, expires_at, count)
       select (x->>'t')::uuid, x->>'c', (x->>'u')::uuid, (x->>'f')::uuid, (x->>'i')::bigint, (x->>'e')::bigint, (x->>'n')::int
         from jsonb_array_elements(?::jsonb) as x
        -- Tokens of a tenant deleted since they were issued have nothing left to count.
        where exists (select 1 from tenants where id = (x->>'t')::uuid)
       on conflict on constraint token_issuance_key do update set count = token_issuance.count + excluded.count`,
      [json],
      'run',
    );
  }
}
