import type {
  BackchannelLogoutDelivery,
  BackchannelLogoutListing,
  BackchannelLogoutStatus,
  BackchannelLogoutStore,
  ClaimedBackchannelLogout,
} from '../domain/sessions/backchannel-logout-store';
import type { EndedSession } from '../domain/sessions/session-ended';
import type { Database } from './database';

interface DeliveryRow {
  id: string;
  tenant_id: string;
  client_ref: string;
  client_id: string;
  user_id: string;
  sid: string;
  status: BackchannelLogoutStatus;
  attempts: number;
  next_attempt_at: Date | string;
  last_error: string | null;
  created_at: Date | string;
  delivered_at: Date | string | null;
  uri?: string | null;
}

/** The outbox's columns (as `o`) with the client's OAuth id (`c`, left-joined: '' once the client is deleted). */
const COLUMNS = `o.id, o.tenant_id, o.client_id as client_ref, coalesce(c.client_id, '') as client_id, o.user_id, o.sid, o.status, o.attempts,
  o.next_attempt_at, o.last_error, o.created_at, o.delivered_at`;

const toDelivery = (row: DeliveryRow): BackchannelLogoutDelivery =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    clientRef: row.client_ref,
    clientId: row.client_id,
    userId: row.user_id,
    sid: row.sid,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: new Date(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
    deliveredAt: row.delivered_at === null ? null : new Date(row.delivered_at),
  });

/** {@link BackchannelLogoutStore} on PostgreSQL (`backchannel_logout_outbox`). */
export class BackchannelLogoutRepository implements BackchannelLogoutStore {
  constructor(private readonly db: Database) {}

  async enqueue(ended: readonly EndedSession[], at: Date): Promise<number> {
    // One statement for every (session, client) pair, as one JSON parameter: 1,000 rows cost one round trip.
    const pairs = ended.flatMap((session) => session.clientIds.map((clientRef) => ({ u: session.userId, s: session.sid, c: clientRef })));
    if (pairs.length === 0) return 0;
    const rows = await this.db.execute<{ count: string | number }[]>(
      `with added as (
         insert into backchannel_logout_outbox (id, tenant_id, client_id, user_id, sid, next_attempt_at, created_at)
         select gen_random_uuid(), c.tenant_id, c.id, e.u, e.s, ?, ?
           from (select distinct u, s, c from jsonb_to_recordset(?::jsonb) as x(u uuid, s text, c uuid)) e
           join clients c on c.id = e.c
          where c.backchannel_logout_uri is not null
         returning 1)
       select count(*) as count from added`,
      [at, at, JSON.stringify(pairs)],
    );
    return Number(rows[0]?.count ?? 0);
  }

  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedBackchannelLogout[]> {
    // One statement: the row locks of the subquery hold until it commits, and skip locked lets other processes take other rows.
    // A client deleted since has no URI (the delivery is given up).
    const rows = await this.db.execute<DeliveryRow[]>(
      `with claimed as (
         update backchannel_logout_outbox set attempts = attempts + 1, next_attempt_at = ?
          where id in (select id from backchannel_logout_outbox where status = 'pending' and next_attempt_at <= ?
                       order by next_attempt_at limit ? for update skip locked)
         returning *)
       select ${COLUMNS}, c.backchannel_logout_uri as uri
         from claimed o left join clients c on c.id = o.client_id`,
      [leaseUntil, now, limit],
    );
    return rows.map((row) => Object.freeze({ ...toDelivery(row), uri: row.uri ?? null }));
  }

  async markDelivered(ids: readonly string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.execute(
      `update backchannel_logout_outbox set status = 'delivered', delivered_at = ?, last_error = null
        where id = any(?::uuid[])`,
      [at, `{${ids.join(',')}}`],
      'run',
    );
  }

  async markUndelivered(id: string, error: string, retryAt: Date | null): Promise<void> {
    if (retryAt === null) {
      await this.db.execute(`update backchannel_logout_outbox set status = 'failed', last_error = ? where id = ?`, [error, id], 'run');
    } else {
      await this.db.execute(
        `update backchannel_logout_outbox set next_attempt_at = ?, last_error = ? where id = ?`,
        [retryAt, error, id],
        'run',
      );
    }
  }

  async nextDue(): Promise<Date | null> {
    const [row] = await this.db.execute<{ due: Date | string | null }[]>(
      `select min(next_attempt_at) as due from backchannel_logout_outbox where status = 'pending'`,
    );
    return row?.due ? new Date(row.due) : null;
  }

  async list(
    of: BackchannelLogoutListing,
    statuses: readonly BackchannelLogoutStatus[],
    limit: number,
  ): Promise<BackchannelLogoutDelivery[]> {
    if (statuses.length === 0) return [];
    const [column, value] = 'clientRef' in of ? ['o.client_id', of.clientRef] : ['o.tenant_id', of.tenantId];
    const rows = await this.db.execute<DeliveryRow[]>(
      `select ${COLUMNS}
         from backchannel_logout_outbox o left join clients c on c.id = o.client_id
        where ${column} = ? and o.status in (${statuses.map(() => '?').join(', ')})
        order by o.created_at desc, o.id limit ?`,
      [value, ...statuses, limit],
    );
    return rows.map(toDelivery);
  }
}
