import type { RefreshTokenRecord } from '../domain/tokens/refresh-token-record';
import type { NewRefreshToken, NewTokenFamily, RefreshTokenStore } from '../domain/tokens/refresh-token-store';
import { RefreshTokenEntity } from '../entities/refresh-token.entity';
import { TokenFamilyEntity } from '../entities/token-family.entity';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';
import { SCOPE_CUTOFF_MS } from './revocation.repository';
import { userFromRow, userJson, type UserRow } from './user-row';

/** The raw row {@link SELECT_BY_HASH} selects (refresh_tokens ⋈ token_families ⋈ users). */
interface RefreshTokenRow {
  id: string;
  family_id: string;
  tenant_id: string;
  client_id: string;
  user_id: string | null;
  device_id: string | null;
  scopes: string[];
  resources: string[] | null;
  dpop_jkt: string | null;
  amr: string[] | null;
  acr: string | null;
  session_sid: string | null;
  /** Epoch milliseconds. */
  auth_time: number | null;
  expires_at: number | null;
  rotated_at: number | null;
  successor_sealed: string | null;
  created_at: number;
  family_revoked_at: number | null;
  user_enabled: boolean | null;
  /** `userJson('u')`: the user's columns as JSON (timestamps as ISO strings). */
  user_json: UserRow | null;
  /** The latest user or client cutoff, epoch milliseconds. */
  scope_cutoff: number | null;
}

/** Timestamps as epoch milliseconds: the driver hands raw timestamptz values back as strings. */
const ms = (column: string, as: string) => `(extract(epoch from ${column}) * 1000)::float8 as ${as}`;

const SELECT_BY_HASH = preparedStatement(
  'refresh_token_by_hash',
  `select rt.id, rt.family_id, rt.tenant_id, rt.client_id, rt.scopes,
          ${ms('rt.expires_at', 'expires_at')}, ${ms('rt.rotated_at', 'rotated_at')}, rt.successor_sealed, ${ms('rt.created_at', 'created_at')},
          f.user_id, f.device_id, f.resources, f.dpop_jkt, f.amr, f.acr, f.session_sid, ${ms('f.auth_time', 'auth_time')}, ${ms('f.revoked_at', 'family_revoked_at')},
          u.enabled as user_enabled, ${userJson('u')} as user_json,
          ${SCOPE_CUTOFF_MS('f.user_id::text', 'rt.client_id')} as scope_cutoff
     from refresh_tokens rt
     join token_families f on f.id = rt.family_id
     left join users u on u.id = f.user_id
    where rt.token_hash = $1`,
  { serverFunction: true },
);

/**
 * Rotation in one statement, so one round trip and atomic without an explicit
 * transaction: marks the presented token rotated only if nobody else did, and
 * inserts its successor only then. No row back means a concurrent use won.
 * Both refresh statements have a server-side twin (`PreparedStatement.serverCall`):
 * re-planning the three-way join above on every refresh made up most of PostgreSQL's
 * work behind a transaction-pooling proxy.
 */
const ROTATE = preparedStatement(
  'refresh_token_rotate',
  `with rotated as (
     update refresh_tokens set rotated_at = $2, successor_sealed = $6 where id = $1 and rotated_at is null
     returning family_id, tenant_id, client_id, scopes
   )
   insert into refresh_tokens (id, token_hash, family_id, tenant_id, client_id, scopes, expires_at, created_at)
   select $3, $4, family_id, tenant_id, client_id, scopes, $5, $2 from rotated
   returning id`,
  { serverFunction: true },
);

/**
 * @public The statements of a refresh that have a server-side twin (Migration20261207130000HotStatementFunctions):
 * behind PgBouncer in transaction pooling they run as those functions, whose plans each server connection keeps
 * (tests/integration/pgbouncer.test.ts checks each function's body is the statement's text).
 */
export const REFRESH_STATEMENTS = [SELECT_BY_HASH, ROTATE] as const;

const toDate = (epochMs: number | null): Date | null => (epochMs === null ? null : new Date(epochMs));

/** Maps a selected row to an immutable record. */
const toRefreshTokenRecord = (row: RefreshTokenRow): RefreshTokenRecord =>
  Object.freeze({
    id: row.id,
    familyId: row.family_id,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    userId: row.user_id,
    deviceId: row.device_id,
    scopes: Object.freeze([...(row.scopes ?? [])]),
    resources: Object.freeze([...(row.resources ?? [])]),
    authTime: toDate(row.auth_time),
    dpopJkt: row.dpop_jkt,
    amr: Object.freeze([...(row.amr ?? [])]),
    acr: row.acr,
    sessionSid: row.session_sid,
    expiresAt: toDate(row.expires_at),
    rotatedAt: toDate(row.rotated_at),
    successorSealed: row.successor_sealed,
    createdAt: new Date(row.created_at),
    familyRevokedAt: toDate(row.family_revoked_at),
    userEnabled: row.user_enabled,
    user: row.user_json ? userFromRow(row.user_json) : null,
    scopeCutoffAt: toDate(row.scope_cutoff),
  });

/** {@link RefreshTokenStore} on PostgreSQL: token families and their refresh tokens (stored as SHA-256 only). */
export class RefreshTokenRepository implements RefreshTokenStore {
  constructor(private readonly db: Database) {}

  /** Inserts a family (inside the current transaction, if any). */
  async insertFamily(family: NewTokenFamily): Promise<void> {
    const em = this.db.em();
    em.create(TokenFamilyEntity, {
      ...family,
      scopes: [...family.scopes],
      resources: [...(family.resources ?? [])],
      dpopJkt: family.dpopJkt ?? null,
      amr: [...(family.amr ?? [])],
      acr: family.acr ?? null,
      sessionSid: family.sessionSid ?? null,
    });
    await em.flush();
  }

  /** Inserts a refresh token (inside the current transaction, if any). */
  async insertToken(token: NewRefreshToken): Promise<void> {
    const em = this.db.em();
    em.create(RefreshTokenEntity, { ...token, scopes: [...token.scopes] });
    await em.flush();
  }

  /** The token with its family and user state, in one prepared round trip; null when unknown. */
  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const [row] = await this.db.sql.rows<RefreshTokenRow>(SELECT_BY_HASH, [tokenHash]);
    return row ? toRefreshTokenRecord(row) : null;
  }

  /** Rotates token `id` at `now` to a successor (same family and scopes); false when a concurrent use rotated it first. */
  async rotate(
    id: string,
    now: Date,
    successor: { id: string; tokenHash: string; expiresAt: Date | null; sealed: string | null },
  ): Promise<boolean> {
    const inserted = await this.db.sql.rows<{ id: string }>(ROTATE, [
      id,
      now,
      successor.id,
      successor.tokenHash,
      successor.expiresAt,
      successor.sealed,
    ]);
    return inserted.length > 0;
  }
}
