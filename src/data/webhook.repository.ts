import { randomUUID } from 'node:crypto';
import { decodeCursor, pageSize, toPage, type Page, type PageRequest } from '../domain/pagination';
import { errors } from '../domain/errors';
import type {
  ClaimedDelivery,
  Webhook,
  WebhookChanges,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookStore,
} from '../domain/webhooks/webhook-store';
import type { Database } from './database';

type Time = Date | string;

interface WebhookRow {
  id: string;
  tenant_id: string;
  url: string;
  event_types: string[];
  description: string;
  sealed_secret: string;
  enabled: boolean;
  created_at: Time;
  updated_at: Time;
}

interface DeliveryRow {
  id: string;
  seq: string | number;
  webhook_id: string;
  event_id: string;
  event_type: string;
  subject: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Time;
  give_up_at: Time;
  last_attempt_at: Time | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Time;
  delivered_at: Time | null;
}

const WEBHOOK_COLUMNS = 'id, tenant_id, url, event_types, description, sealed_secret, enabled, created_at, updated_at';
const DELIVERY_COLUMNS =
  'id, seq, webhook_id, event_id, event_type, subject, body, status, attempts, next_attempt_at, give_up_at, last_attempt_at, last_status, last_error, created_at, delivered_at';

const time = (value: Time): Date => new Date(value);
const maybeTime = (value: Time | null): Date | null => (value === null ? null : new Date(value));

const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  tenantId: row.tenant_id,
  url: row.url,
  eventTypes: row.event_types,
  description: row.description,
  sealedSecret: row.sealed_secret,
  enabled: row.enabled,
  createdAt: time(row.created_at),
  updatedAt: time(row.updated_at),
});

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  seq: String(row.seq),
  webhookId: row.webhook_id,
  eventId: row.event_id,
  eventType: row.event_type,
  subject: row.subject,
  body: row.body,
  status: row.status,
  attempts: Number(row.attempts),
  nextAttemptAt: time(row.next_attempt_at),
  giveUpAt: time(row.give_up_at),
  lastAttemptAt: maybeTime(row.last_attempt_at),
  lastStatus: row.last_status,
  lastError: row.last_error,
  createdAt: time(row.created_at),
  deliveredAt: maybeTime(row.delivered_at),
});

/** {@link WebhookStore} on PostgreSQL (`webhooks`, `webhook_deliveries`). Arrays travel as JSON (the driver would spread a JS array into a list). */
export class WebhookRepository implements WebhookStore {
  constructor(private readonly db: Database) {}

  async insert(webhook: Omit<Webhook, 'id'>): Promise<Webhook> {
    const [row] = await this.db.execute<WebhookRow[]>(
      `insert into webhooks (id, tenant_id, url, event_types, description, sealed_secret, enabled, created_at, updated_at)
       values (?, ?, ?, array(select jsonb_array_elements_text(?::jsonb)), ?, ?, ?, ?, ?) returning ${WEBHOOK_COLUMNS}`,
      [
        randomUUID(),
        webhook.tenantId,
        webhook.url,
        JSON.stringify(webhook.eventTypes),
        webhook.description,
        webhook.sealedSecret,
        webhook.enabled,
        webhook.createdAt,
        webhook.updatedAt,
      ],
    );
    return toWebhook(row!);
  }

  async findById(id: string): Promise<Webhook | null> {
    const [row] = await this.db.execute<WebhookRow[]>(`select ${WEBHOOK_COLUMNS} from webhooks where id = ?`, [id]);
    return row ? toWebhook(row) : null;
  }

  async listByTenant(tenantId: string): Promise<Webhook[]> {
    const rows = await this.db.execute<WebhookRow[]>(
      `select ${WEBHOOK_COLUMNS} from webhooks where tenant_id = ? order by created_at desc, id`,
      [tenantId],
    );
    return rows.map(toWebhook);
  }

  async update(id: string, changes: WebhookChanges, at: Date): Promise<Webhook | null> {
    const assignments: [string, unknown][] = [['updated_at = ?', at]];
    if (changes.url !== undefined) assignments.push(['url = ?', changes.url]);
    if (changes.eventTypes !== undefined)
      assignments.push(['event_types = array(select jsonb_array_elements_text(?::jsonb))', JSON.stringify(changes.eventTypes)]);
    if (changes.description !== undefined) assignments.push(['description = ?', changes.description]);
    if (changes.enabled !== undefined) assignments.push(['enabled = ?', changes.enabled]);
    if (changes.sealedSecret !== undefined) assignments.push(['sealed_secret = ?', changes.sealedSecret]);
    const sets = assignments.map(([sql]) => sql);
    const params = assignments.map(([, value]) => value);
    const [row] = await this.db.execute<WebhookRow[]>(`update webhooks set ${sets.join(', ')} where id = ? returning ${WEBHOOK_COLUMNS}`, [
      ...params,
      id,
    ]);
    return row ? toWebhook(row) : null;
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.db.execute<{ id: string }[]>('delete from webhooks where id = ? returning id', [id]);
    return rows.length > 0;
  }

  async findDelivery(id: string): Promise<WebhookDelivery | null> {
    const [row] = await this.db.execute<DeliveryRow[]>(`select ${DELIVERY_COLUMNS} from webhook_deliveries where id = ?`, [id]);
    return row ? toDelivery(row) : null;
  }

  async pageDeliveries(webhookId: string, status: WebhookDeliveryStatus | null, request: PageRequest): Promise<Page<WebhookDelivery>> {
    const size = pageSize(request);
    const where = ['webhook_id = ?'];
    const params: unknown[] = [webhookId];
    if (status) {
      where.push('status = ?');
      params.push(status);
    }
    const pageWhere = [...where];
    const pageParams = [...params];
    if (request.after) {
      const [seq] = decodeCursor(request.after);
      if (typeof seq !== 'string' || !/^\d{1,19}$/.test(seq)) throw errors.validation('after', 'is not a valid cursor');
      pageWhere.push('seq < ?::bigint');
      pageParams.push(seq);
    }
    const [rows, counted] = await Promise.all([
      this.db.execute<DeliveryRow[]>(
        `select ${DELIVERY_COLUMNS} from webhook_deliveries where ${pageWhere.join(' and ')} order by seq desc limit ?`,
        [...pageParams, size + 1],
      ),
      this.db.execute<{ count: string }[]>(`select count(*)::text as count from webhook_deliveries where ${where.join(' and ')}`, params),
    ]);
    return toPage(rows.map(toDelivery), size, Number(counted[0]?.count ?? 0), (d) => [d.seq]);
  }

  async claimDue(now: Date, leaseUntil: Date, claimId: string, limit: number): Promise<ClaimedDelivery[]> {
    // One statement: the row locks of the subquery hold until it commits; skip locked lets other processes take other rows.
    // A delivery waits while an earlier one of its subject to the same webhook is pending (claimed or not): in order per subject.
    const rows = await this.db.execute<(DeliveryRow & { claim_id: string; url: string; sealed_secret: string })[]>(
      `update webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = ?, claim_id = ?, last_attempt_at = ?
       from webhooks w
       where w.id = d.webhook_id and d.id in (
         select c.id from webhook_deliveries c join webhooks cw on cw.id = c.webhook_id and cw.enabled
         where c.status = 'pending' and c.next_attempt_at <= ?
           and not exists (select 1 from webhook_deliveries p
                           where p.webhook_id = c.webhook_id and p.subject = c.subject and p.status = 'pending' and p.seq < c.seq)
         order by c.seq limit ? for update of c skip locked)
       returning ${DELIVERY_COLUMNS.split(', ')
         .map((column) => `d.${column}`)
         .join(', ')}, d.claim_id, w.url, w.sealed_secret`,
      [leaseUntil, claimId, now, now, limit],
    );
    return rows
      .map((row) => ({ ...toDelivery(row), claimId: row.claim_id, url: row.url, sealedSecret: row.sealed_secret }))
      .sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)));
  }

  async finish(
    id: string,
    claimId: string,
    result: { status: WebhookDeliveryStatus; httpStatus: number | null; error: string | null; at: Date; retryAt: Date | null },
  ): Promise<boolean> {
    const rows = await this.db.execute<{ id: string }[]>(
      `update webhook_deliveries set status = ?, last_status = ?, last_error = ?, claim_id = null,
         delivered_at = case when ? = 'delivered' then ?::timestamptz else delivered_at end,
         next_attempt_at = coalesce(?::timestamptz, next_attempt_at)
       where id = ? and claim_id = ? and status = 'pending' returning id`,
      [result.status, result.httpStatus, result.error, result.status, result.at, result.retryAt, id, claimId],
    );
    return rows.length > 0;
  }

  async requeue(id: string, now: Date, giveUpAt: Date): Promise<WebhookDelivery | null> {
    const [row] = await this.db.execute<DeliveryRow[]>(
      `update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = ?, give_up_at = ?, claim_id = null, delivered_at = null
       where id = ? and (status <> 'pending' or claim_id is null) returning ${DELIVERY_COLUMNS}`,
      [now, giveUpAt, id],
    );
    return row ? toDelivery(row) : null;
  }

  async nextDue(): Promise<Date | null> {
    const [row] = await this.db.execute<{ due: Time | null }[]>(
      // Only the first pending delivery of each subject: the ones behind it are due when it is done, not before.
      `select min(d.next_attempt_at) as due from webhook_deliveries d join webhooks w on w.id = d.webhook_id and w.enabled
       where d.status = 'pending' and not exists (select 1 from webhook_deliveries p
         where p.webhook_id = d.webhook_id and p.subject = d.subject and p.status = 'pending' and p.seq < d.seq)`,
    );
    return row?.due ? new Date(row.due) : null;
  }

  async pruneBefore(before: Date): Promise<number> {
    const rows = await this.db.execute<{ id: string }[]>(
      `delete from webhook_deliveries where status <> 'pending' and created_at < ? returning id`,
      [before],
    );
    return rows.length;
  }
}
