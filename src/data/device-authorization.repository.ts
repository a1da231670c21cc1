import type { DeviceAuthorization, DeviceAuthorizationStatus } from '../domain/device-authorization/device-authorization';
import type {
  DeviceApprovalSignIn,
  DeviceAuthorizationStore,
  NewDeviceAuthorization,
} from '../domain/device-authorization/device-authorization-store';
import type { Database } from './database';

interface DeviceAuthorizationRow {
  id: string;
  tenant_id: string;
  client_id: string;
  device_code_digest: string;
  user_code: string;
  scopes: string[];
  resources: string[];
  status: DeviceAuthorizationStatus;
  user_id: string | null;
  auth_time: Date | string | null;
  amr: string[];
  acr: string | null;
  expires_at: Date | string;
  last_polled_at: Date | string | null;
  interval_seconds: number;
}

const SELECT = `select id::text as id, tenant_id::text as tenant_id, client_id, device_code_digest, user_code, scopes, resources, status,
  user_id::text as user_id, auth_time, amr, acr, expires_at, last_polled_at, interval_seconds from device_authorizations`;

const dateOrNull = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

const toDeviceAuthorization = (row: DeviceAuthorizationRow): DeviceAuthorization =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    deviceCodeDigest: row.device_code_digest,
    userCode: row.user_code,
    scopes: Object.freeze([...row.scopes]),
    resources: Object.freeze([...row.resources]),
    status: row.status,
    userId: row.user_id,
    authTime: dateOrNull(row.auth_time),
    amr: Object.freeze([...row.amr]),
    acr: row.acr,
    expiresAt: new Date(row.expires_at),
    lastPolledAt: dateOrNull(row.last_polled_at),
    intervalSeconds: Number(row.interval_seconds),
  });

/** {@link DeviceAuthorizationStore} on PostgreSQL (`device_authorizations`): every status change is one conditional update. */
export class DeviceAuthorizationRepository implements DeviceAuthorizationStore {
  constructor(private readonly db: Database) {}

  async insert(authorization: NewDeviceAuthorization): Promise<void> {
    await this.db.execute(
      `insert into device_authorizations
         (id, tenant_id, client_id, device_code_digest, user_code, scopes, resources, expires_at, interval_seconds)
       values (?, ?, ?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), array(select jsonb_array_elements_text(?::jsonb)), ?, ?)`,
      [
        authorization.id,
        authorization.tenantId,
        authorization.clientId,
        authorization.deviceCodeDigest,
        authorization.userCode,
        JSON.stringify(authorization.scopes),
        JSON.stringify(authorization.resources),
        authorization.expiresAt,
        authorization.intervalSeconds,
      ],
      'run',
    );
  }

  async findByDeviceCodeDigest(digest: string): Promise<DeviceAuthorization | null> {
    const [row] = await this.db.execute<DeviceAuthorizationRow[]>(`${SELECT} where device_code_digest = ?`, [digest]);
    return row ? toDeviceAuthorization(row) : null;
  }

  async findPendingByUserCode(userCode: string): Promise<DeviceAuthorization | null> {
    const [row] = await this.db.execute<DeviceAuthorizationRow[]>(`${SELECT} where user_code = ? and status = 'pending'`, [userCode]);
    return row ? toDeviceAuthorization(row) : null;
  }

  async findById(id: string): Promise<DeviceAuthorization | null> {
    const [row] = await this.db.execute<DeviceAuthorizationRow[]>(`${SELECT} where id = ?`, [id]);
    return row ? toDeviceAuthorization(row) : null;
  }

  async recordPoll(id: string, previousPoll: Date | null, at: Date, intervalSeconds: number): Promise<boolean> {
    const result = await this.db.execute<{ affectedRows?: number }>(
      `update device_authorizations set last_polled_at = ?, interval_seconds = ?
        where id = ? and status = 'pending' and last_polled_at is not distinct from ?::timestamptz`,
      [at, intervalSeconds, id, previousPoll],
      'run',
    );
    return result.affectedRows === 1;
  }

  async decide(id: string, decision: 'approved' | 'denied', userId: string, signIn: DeviceApprovalSignIn, now: Date): Promise<boolean> {
    const result = await this.db.execute<{ affectedRows?: number }>(
      `update device_authorizations
          set status = ?, user_id = ?, auth_time = ?, amr = array(select jsonb_array_elements_text(?::jsonb)), acr = ?
        where id = ? and status = 'pending' and expires_at > ?`,
      [decision, userId, signIn.authTime, JSON.stringify(signIn.amr), signIn.acr, id, now],
      'run',
    );
    return result.affectedRows === 1;
  }

  async redeem(id: string): Promise<boolean> {
    const result = await this.db.execute<{ affectedRows?: number }>(
      `update device_authorizations set status = 'redeemed' where id = ? and status = 'approved'`,
      [id],
      'run',
    );
    return result.affectedRows === 1;
  }
}
