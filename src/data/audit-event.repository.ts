import type { AuditActorKind, AuditDetail, AuditEvent, AuditFilter, AuditOutcome } from '../domain/audit/audit-event';
import type { AuditStore } from '../domain/audit/audit-store';
import type { WebhookEvent } from '../domain/webhooks/webhook-events';
import { decodeTimeCursor, pageSize, toPage, type Page, type PageRequest } from '../domain/pagination';
import type { Database } from './database';
import { subtreePattern } from './subtree-pattern';

interface AuditRow {
  id: string;
  occurred_at: Date;
  action: string;
  outcome: AuditOutcome;
  tenant_path: string;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  actor_client_id: string | null;
  target_kind: string | null;
  target_id: string | null;
  client_ip: string | null;
  request_id: string | null;
  detail: AuditDetail | null;
}

/** Rows per statement (13 parameters each, well under PostgreSQL's 65535). */
const CHUNK = 1000;

const COLUMNS =
  'id, occurred_at, action, outcome, tenant_path, actor_kind, actor_id, actor_client_id, target_kind, target_id, client_ip, request_id, detail';

/** Audit events in PostgreSQL: batch inserts, newest-first keyset pages within a tenant subtree, pruning. */
export class AuditEventRepository implements AuditStore {
  constructor(private readonly db: Database) {}

  async insert(events: readonly AuditEvent[], webhookEvents: readonly WebhookEvent[] = []): Promise<number> {
    if (events.length === 0) return 0;
    const knex = this.db.orm.em.getConnection().getKnex();
    // No webhook event and one statement: atomic as it is, no transaction's round trips.
    if (webhookEvents.length === 0 && events.length <= CHUNK) {
      await knex('audit_events').insert(events.map(toAuditRow));
      return 0;
    }
    // One transaction: the audit rows and the webhook deliveries they owe are written together or not at all.
    return this.db.run(async () => {
      for (let start = 0; start < events.length; start += CHUNK) {
        const insert = knex('audit_events')
          .insert(events.slice(start, start + CHUNK).map(toAuditRow))
          .toSQL();
        await this.db.execute(insert.sql, insert.bindings, 'run');
      }
      let deliveries = 0;
      for (let start = 0; start < webhookEvents.length; start += CHUNK) {
        const chunk = webhookEvents.slice(start, start + CHUNK);
        // Set-based: one delivery per (event, enabled webhook of the event's tenant subscribed to its type), in event order (seq).
        const rows = await this.db.execute<{ id: string }[]>(
          `insert into webhook_deliveries (id, webhook_id, event_id, event_type, subject, body, next_attempt_at, give_up_at, created_at)
           select gen_random_uuid(), w.id, e.event_id::uuid, e.type, e.subject, e.body, e.at::timestamptz, e.give_up_at::timestamptz, e.at::timestamptz
           from (values ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}) as e (ord, event_id, tenant_path, type, subject, body, at, give_up_at)
           join tenants t on t.path = e.tenant_path
           join webhooks w on w.tenant_id = t.id and w.enabled and e.type = any (w.event_types)
           order by e.ord::int, w.id
           returning id`,
          chunk.flatMap((e, i) => [
            String(start + i),
            e.eventId,
            e.tenantPath,
            e.type,
            e.subject,
            e.body,
            e.occurredAt.toISOString(),
            e.giveUpAt.toISOString(),
          ]),
        );
        deliveries += rows.length;
      }
      return deliveries;
    });
  }

  async page(filter: AuditFilter, request: PageRequest): Promise<Page<AuditEvent>> {
    const size = pageSize(request);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.tenantPath !== '/') {
      where.push('(tenant_path = ? or tenant_path like ?)');
      params.push(filter.tenantPath, subtreePattern(filter.tenantPath));
    }
    if (filter.action) {
      where.push('action = ?');
      params.push(filter.action);
    }
    if (filter.actor) {
      where.push('(actor_id = ? or actor_client_id = ?)');
      params.push(filter.actor, filter.actor);
    }
    if (filter.from) {
      where.push('occurred_at >= ?');
      params.push(filter.from);
    }
    if (filter.to) {
      where.push('occurred_at <= ?');
      params.push(filter.to);
    }
    const scope = where.length ? `where ${where.join(' and ')}` : '';
    const pageWhere = [...where];
    const pageParams = [...params];
    if (request.after) {
      const [occurredAt, id] = decodeTimeCursor(request.after);
      pageWhere.push('(occurred_at, id) < (?, ?)');
      pageParams.push(occurredAt, id);
    }
    const [rows, counted] = await Promise.all([
      this.db.execute<AuditRow[]>(
        `select ${COLUMNS} from audit_events ${pageWhere.length ? `where ${pageWhere.join(' and ')}` : ''} order by occurred_at desc, id desc limit ?`,
        [...pageParams, size + 1],
      ),
      this.db.execute<{ count: string }[]>(`select count(*)::text as count from audit_events ${scope}`, params),
    ]);
    return toPage(rows.map(toAuditEvent), size, Number(counted[0]?.count ?? 0), (e) => [e.occurredAt.toISOString(), e.id]);
  }

  async pruneBefore(before: Date): Promise<number> {
    const result = await this.db.execute<{ affectedRows?: number }>('delete from audit_events where occurred_at < ?', [before], 'run');
    return result.affectedRows ?? 0;
  }
}

const toAuditRow = (e: AuditEvent) => ({
  id: e.id,
  occurred_at: e.occurredAt,
  action: e.action,
  outcome: e.outcome,
  tenant_path: e.tenantPath,
  actor_kind: e.actorKind,
  actor_id: e.actorId ?? null,
  actor_client_id: e.actorClientId ?? null,
  target_kind: e.targetKind ?? null,
  target_id: e.targetId ?? null,
  client_ip: e.clientIp ?? null,
  request_id: e.requestId ?? null,
  detail: e.detail ? JSON.stringify(e.detail) : null,
});

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    occurredAt: new Date(row.occurred_at),
    action: row.action,
    outcome: row.outcome,
    tenantPath: row.tenant_path,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorClientId: row.actor_client_id,
    targetKind: row.target_kind,
    targetId: row.target_id,
    clientIp: row.client_ip,
    requestId: row.request_id,
    detail: row.detail,
  };
}
