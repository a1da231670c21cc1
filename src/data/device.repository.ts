import type { Device } from '../domain/device-token-sets/device';
import type { DeviceStore, NewDeviceSet } from '../domain/device-token-sets/device-store';
import { isUuid } from '../domain/ids';
import { decodeTimeCursor, pageSize, toPage, type Page, type PageRequest } from '../domain/pagination';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';

interface DeviceRow {
  id: string;
  tenant_id: string;
  user_id: string;
  client_id: string;
  name: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const COLUMNS = 'id, tenant_id, user_id, client_id, name, created_at, last_used_at, revoked_at';
/** Reads see a device as revoked also when its family was revoked some other way (RFC 7009 on its refresh token). */
const SELECT = `select d.id, d.tenant_id, d.user_id, d.client_id, d.name, d.created_at, d.last_used_at,
  coalesce(d.revoked_at, (select min(f.revoked_at) from token_families f where f.device_id = d.id)) as revoked_at from devices d`;
const COUNT_BY_USERS = preparedStatement(
  'device_counts_by_user',
  'select user_id, count(*)::int as count from devices where user_id = any($1::uuid[]) group by user_id',
);
const date = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

const toDevice = (row: DeviceRow): Device =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    clientId: row.client_id,
    name: row.name,
    createdAt: new Date(row.created_at),
    lastUsedAt: date(row.last_used_at),
    revokedAt: date(row.revoked_at),
  });

/** {@link DeviceStore} on PostgreSQL (plain SQL through the {@link Database}, no entity). */
export class DeviceRepository implements DeviceStore {
  constructor(private readonly db: Database) {}

  async createDeviceSet(set: NewDeviceSet): Promise<Device> {
    return this.db.em().transactional(async (em) => {
      const connection = em.getConnection();
      const ctx = em.getTransactionContext();
      const [row] = await connection.execute<DeviceRow[]>(
        `insert into devices (id, tenant_id, user_id, client_id, name, created_at) values (?, ?, ?, ?, ?, ?) returning ${COLUMNS}`,
        [set.deviceId, set.tenantId, set.userId, set.clientId, set.name, set.now],
        'all',
        ctx,
      );
      await connection.execute(
        `insert into token_families (id, tenant_id, client_id, user_id, device_id, scopes, auth_time, created_at) values (?, ?, ?, ?, ?, ?::text[], ?, ?)`,
        [set.familyId, set.tenantId, set.clientId, set.userId, set.deviceId, `{${set.scopes.join(',')}}`, set.now, set.now],
        'run',
        ctx,
      );
      await connection.execute(
        `insert into refresh_tokens (id, token_hash, family_id, tenant_id, client_id, scopes, expires_at, created_at) values (gen_random_uuid(), ?, ?, ?, ?, ?::text[], null, ?)`,
        [set.refreshTokenHash, set.familyId, set.tenantId, set.clientId, `{${set.scopes.join(',')}}`, set.now],
        'run',
        ctx,
      );
      return toDevice(row!);
    });
  }

  async findById(id: string): Promise<Device | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db.execute<DeviceRow[]>(`${SELECT} where d.id = ?`, [id]);
    return row ? toDevice(row) : null;
  }

  async listByUser(userId: string, request: PageRequest): Promise<Page<Device>> {
    const size = pageSize(request);
    let after = '';
    const values: unknown[] = [userId];
    if (request.after) {
      const [at, id] = decodeTimeCursor(request.after);
      after = 'and (d.created_at, d.id) > (?, ?)';
      values.push(at, id);
    }
    const [rows, [total]] = await Promise.all([
      this.db.execute<DeviceRow[]>(`${SELECT} where d.user_id = ? ${after} order by d.created_at, d.id limit ${size + 1}`, values),
      this.db.execute<{ count: string }[]>('select count(*) as count from devices where user_id = ?', [userId]),
    ]);
    return toPage(rows.map(toDevice), size, Number(total?.count ?? 0), (device) => [device.createdAt.toISOString(), device.id]);
  }

  async countByUsers(userIds: readonly string[]): Promise<Map<string, number>> {
    const ids = userIds.filter(isUuid);
    if (ids.length === 0) return new Map();
    const rows = await this.db.sql.rows<{ user_id: string; count: number }>(COUNT_BY_USERS, [ids]);
    return new Map(rows.map((row) => [row.user_id, row.count]));
  }

  async revoke(id: string, now: Date): Promise<boolean> {
    if (!isUuid(id)) return false;
    return this.db.em().transactional(async (em) => {
      const connection = em.getConnection();
      const ctx = em.getTransactionContext();
      const result = await connection.execute<{ affectedRows?: number }>(
        'update devices set revoked_at = ? where id = ? and revoked_at is null',
        [now, id],
        'run',
        ctx,
      );
      await connection.execute(
        'update token_families set revoked_at = ? where device_id = ? and revoked_at is null',
        [now, id],
        'run',
        ctx,
      );
      return (result.affectedRows ?? 0) > 0;
    });
  }

  async touchLastUsed(id: string, now: Date, minIntervalMs: number): Promise<void> {
    await this.db.execute(
      'update devices set last_used_at = ? where id = ? and (last_used_at is null or last_used_at <= ?)',
      [now, id, new Date(now.getTime() - minIntervalMs)],
      'run',
    );
  }
}
