import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { RefreshTokenEntity } from '../../entities/refresh-token.entity';
import { TokenFamilyEntity } from '../../entities/token-family.entity';
import type { Client } from '../clients/client';
import { randomToken, sha256 } from '../crypto/random';
import type { DomainDeps } from '../deps';
import { errors } from '../errors';
import { preparedStatement } from '../prepared-queries';
import { SCOPE_CUTOFF_MS, type RevocationService } from '../revocation/revocation.service';
import { issuedBeforeTenantCutoff } from '../tenants/issued-before-cutoff';
import type { TenantService } from '../tenants/tenant.service';
import { userJson } from '../users/user-row';
import { refreshTokenProblem } from './refresh-token-problem';
import { toRefreshTokenRecord, type RefreshTokenRecord, type RefreshTokenRow } from './refresh-token-record';

export interface StartFamilyInput {
  /** Pre-chosen id, when the caller must record it before the family exists. */
  id?: string;
  tenantId: string;
  clientId: string;
  userId: string | null;
  deviceId?: string | null;
  scopes: readonly string[];
  authTime?: Date | null;
  nonce?: string | null;
}

export interface IssueRefreshTokenInput {
  familyId: string;
  tenantId: string;
  clientId: string;
  scopes: readonly string[];
  /** Null only for device-bound tokens, which never expire (seed 002). */
  expiresAt: Date | null;
}

/** Timestamps as epoch milliseconds: the driver hands raw timestamptz values back as strings. */
const ms = (column: string, as: string) => `(extract(epoch from ${column}) * 1000)::float8 as ${as}`;

const SELECT_BY_HASH = preparedStatement(
  'refresh_token_by_hash',
  `select rt.id, rt.family_id, rt.tenant_id, rt.client_id, rt.scopes,
          ${ms('rt.expires_at', 'expires_at')}, ${ms('rt.rotated_at', 'rotated_at')}, ${ms('rt.created_at', 'created_at')},
          f.user_id, f.device_id, ${ms('f.auth_time', 'auth_time')}, ${ms('f.revoked_at', 'family_revoked_at')},
          u.enabled as user_enabled, ${userJson('u')} as user_json,
          ${SCOPE_CUTOFF_MS('f.user_id::text', 'rt.client_id')} as scope_cutoff
     from refresh_tokens rt
     join token_families f on f.id = rt.family_id
     left join users u on u.id = f.user_id
    where rt.token_hash = $1`,
);

/**
 * Rotation in one statement, so one round trip and atomic without an explicit
 * transaction: marks the presented token rotated only if nobody else did, and
 * inserts its successor only then. No row back means a concurrent use won.
 */
const ROTATE = preparedStatement(
  'refresh_token_rotate',
  `with rotated as (
     update refresh_tokens set rotated_at = $2 where id = $1 and rotated_at is null
     returning family_id, tenant_id, client_id, scopes
   )
   insert into refresh_tokens (id, token_hash, family_id, tenant_id, client_id, scopes, expires_at, created_at)
   select $3, $4, family_id, tenant_id, client_id, scopes, $5, $2 from rotated
   returning id`,
);

/**
 * Opaque refresh tokens (DESIGN.md "Tokens"): 256 random bits, stored only as
 * SHA-256, grouped in families, rotated on every use; presenting a rotated
 * token revokes its whole family (RFC 9700 §4.14.2).
 */
export class RefreshTokenService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly tenants: TenantService,
    private readonly revocation: RevocationService,
  ) {}

  /** Creates a token family (one grant); pass `em` to do it inside the caller's transaction. */
  async startFamily(input: StartFamilyInput, em: EntityManager = this.deps.orm.em.fork()): Promise<string> {
    const family = em.create(TokenFamilyEntity, {
      id: input.id ?? randomUUID(),
      tenantId: input.tenantId,
      clientId: input.clientId,
      userId: input.userId,
      deviceId: input.deviceId ?? null,
      scopes: [...input.scopes],
      authTime: input.authTime ?? null,
      nonce: input.nonce ?? null,
      createdAt: this.deps.clock.now(),
    });
    await em.flush();
    return family.id;
  }

  /** Issues a new refresh token in a family and returns its value, which is never stored. */
  async issue(input: IssueRefreshTokenInput, em: EntityManager = this.deps.orm.em.fork()): Promise<string> {
    const token = randomToken(32);
    em.create(RefreshTokenEntity, {
      tokenHash: sha256(token),
      familyId: input.familyId,
      tenantId: input.tenantId,
      clientId: input.clientId,
      scopes: [...input.scopes],
      expiresAt: input.expiresAt,
      createdAt: this.deps.clock.now(),
    });
    await em.flush();
    return token;
  }

  /** The stored token with its family state, whatever that state; null when unknown. For revocation (RFC 7009). */
  async findRefreshToken(token: string): Promise<RefreshTokenRecord | null> {
    if (!token) return null;
    const rows = await this.deps.sql.rows<RefreshTokenRow>(SELECT_BY_HASH, [sha256(token)]);
    return rows[0] ? toRefreshTokenRecord(rows[0]) : null;
  }

  /** The token when it is still usable (not rotated, revoked, expired, cut off, or its user disabled); else null. For introspection (RFC 7662). */
  async inspect(token: string): Promise<RefreshTokenRecord | null> {
    const record = await this.findRefreshToken(token);
    if (!record || refreshTokenProblem(record, this.deps.clock.now())) return null;
    return (await this.isCutOff(record)) ? null : record;
  }

  /**
   * Validates a presented refresh token for `client` without consuming it
   * (RFC 6749 §6): unknown, other client's, expired, revoked, cut-off or
   * disabled-user tokens fail with `invalid_grant`. A token that was already
   * rotated is a replay: its family is revoked first (RFC 9700 §4.14.2).
   */
  async redeem(token: string, client: Client): Promise<RefreshTokenRecord> {
    const record = await this.findRefreshToken(token);
    if (!record || record.clientId !== client.clientId) throw errors.invalidGrant('the refresh token is invalid');
    const problem = refreshTokenProblem(record, this.deps.clock.now());
    if (problem === 'rotated') await this.revokeOnReuse(record);
    if (problem) throw errors.invalidGrant(problem === 'expired' ? 'the refresh token has expired' : 'the refresh token is invalid or revoked');
    if (await this.isCutOff(record)) throw errors.invalidGrant('the refresh token is invalid or revoked');
    return record;
  }

  /**
   * Marks a redeemed token rotated and issues its successor in the same family
   * with the same scopes (RFC 6749 §6), in one statement ({@link ROTATE}).
   * Losing the race to a concurrent use of the same token counts as reuse.
   */
  async rotate(record: RefreshTokenRecord, client: Client): Promise<string> {
    const now = this.deps.clock.now();
    const expiresAt = record.expiresAt === null ? null : new Date(now.getTime() + client.refreshTokenLifetime * 1000);
    const successor = randomToken(32);
    const inserted = await this.deps.sql.rows<{ id: string }>(ROTATE, [record.id, now, randomUUID(), sha256(successor), expiresAt]);
    if (inserted.length === 0) {
      await this.revokeOnReuse(record);
      throw errors.invalidGrant('the refresh token is invalid or revoked');
    }
    return successor;
  }

  private async revokeOnReuse(record: RefreshTokenRecord): Promise<void> {
    this.deps.log.warn({ familyId: record.familyId, clientId: record.clientId, tenantId: record.tenantId }, 'refresh token reuse detected; family revoked');
    await this.revocation.revokeFamily(record.familyId);
  }

  private async isCutOff(record: RefreshTokenRecord): Promise<boolean> {
    const tenant = await this.tenants.findById(record.tenantId);
    return !tenant || issuedBeforeTenantCutoff(this.tenants, tenant.path, record.createdAt);
  }
}
