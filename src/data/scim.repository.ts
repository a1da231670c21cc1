import { randomUUID } from 'node:crypto';
import { isUuid } from '../domain/ids';
import type { ScimDirectoryStore, ScimToken, ScimTokenStore, ScimUserCondition, ScimUserRecord } from '../domain/scim/scim-store';
import type { Database } from './database';
import { storable } from './storable';
import { userColumns, userFromRow, usernameKeySql, type UserRow } from './user-row';

interface TokenRow {
  id: string;
  tenant_id: string;
  description: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const TOKEN_COLUMNS = 'id, tenant_id, description, created_at, revoked_at';

const toToken = (row: TokenRow): ScimToken =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    description: row.description,
    createdAt: new Date(row.created_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
  });

/** {@link ScimTokenStore} on PostgreSQL (`scim_tokens`, cascading from `tenants`). */
export class ScimTokenRepository implements ScimTokenStore {
  constructor(private readonly db: Database) {}

  async insert(token: { tenantId: string; tokenHash: string; description: string }): Promise<ScimToken> {
    const [row] = await this.db.execute<TokenRow[]>(
      `insert into scim_tokens (id, tenant_id, token_hash, description) values (?, ?, ?, ?) returning ${TOKEN_COLUMNS}`,
      [randomUUID(), token.tenantId, token.tokenHash, token.description],
    );
    return toToken(row!);
  }

  async findByHash(tokenHash: string): Promise<ScimToken | null> {
    const [row] = await this.db.execute<TokenRow[]>(`select ${TOKEN_COLUMNS} from scim_tokens where token_hash = ?`, [tokenHash]);
    return row ? toToken(row) : null;
  }

  async findById(id: string): Promise<ScimToken | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.execute<TokenRow[]>(`select ${TOKEN_COLUMNS} from scim_tokens where id = ?`, [id]);
    return row ? toToken(row) : null;
  }

  async listByTenant(tenantId: string): Promise<ScimToken[]> {
    const rows = await this.db.execute<TokenRow[]>(
      `select ${TOKEN_COLUMNS} from scim_tokens where tenant_id = ? order by created_at desc, id limit 1000`,
      [tenantId],
    );
    return rows.map(toToken);
  }

  async revoke(id: string, now: Date): Promise<ScimToken | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.execute<TokenRow[]>(
      `update scim_tokens set revoked_at = coalesce(revoked_at, ?) where id = ? returning ${TOKEN_COLUMNS}`,
      [now, id],
    );
    return row ? toToken(row) : null;
  }
}

/** {@link ScimDirectoryStore} on PostgreSQL: `users.external_id` and the user rows of `role_assignments`. */
export class ScimDirectoryRepository implements ScimDirectoryStore {
  constructor(private readonly db: Database) {}

  async setExternalId(userId: string, externalId: string | null): Promise<void> {
    await this.db.execute('update users set external_id = ? where id = ?', [externalId, userId], 'run');
  }

  async findUsers(
    tenantId: string,
    conditions: readonly ScimUserCondition[],
    offset: number,
    limit: number,
  ): Promise<{ total: number; records: ScimUserRecord[] }> {
    const where = ['u.tenant_id = ?'];
    const params: unknown[] = [tenantId];
    for (const { attribute, value } of conditions) {
      // A value no row can hold (not a uuid for `id`, a NUL) matches nothing.
      if (!storable(value) || (attribute === 'id' && !isUuid(value))) return { total: 0, records: [] };
      if (attribute === 'userName') where.push(`${usernameKeySql('u.username')} = ${usernameKeySql('?::text')}`);
      else if (attribute === 'externalId') where.push('u.external_id = ?');
      else where.push('u.id = ?');
      params.push(value);
    }
    const clause = where.join(' and ');
    const [counted] = await this.db.execute<{ total: string | number }[]>(`select count(*) as total from users u where ${clause}`, params);
    const total = Number(counted?.total ?? 0);
    if (total === 0 || limit === 0 || offset >= total) return { total, records: [] };
    const rows = await this.db.execute<(UserRow & { external_id: string | null })[]>(
      `select ${userColumns('u')}, u.external_id from users u where ${clause} order by u.created_at, u.id limit ? offset ?`,
      [...params, limit, offset],
    );
    return { total, records: rows.map((row) => ({ user: userFromRow(row), externalId: row.external_id })) };
  }

  async membersOf(roleId: string): Promise<{ id: string; username: string }[]> {
    return this.db.execute<{ id: string; username: string }[]>(
      `select u.id, u.username from role_assignments a join users u on u.id = a.user_id
        where a.role_id = ? order by u.username collate "C", u.id limit 10000`,
      [roleId],
    );
  }
}
