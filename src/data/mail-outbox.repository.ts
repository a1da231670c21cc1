import { randomUUID } from 'node:crypto';
import type { MailKind, MailOutboxStore, MailStatus, NewOutboxMail, OutboxMail } from '../domain/mail/mail-outbox-store';
import type { Database } from './database';

interface MailRow {
  id: string;
  tenant_id: string;
  kind: MailKind;
  recipient: string;
  subject: string;
  sealed_body: string | null;
  status: MailStatus;
  attempts: number;
  next_attempt_at: Date | string;
  last_error: string | null;
  created_at: Date | string;
  sent_at: Date | string | null;
}

const COLUMNS = 'id, tenant_id, kind, recipient, subject, sealed_body, status, attempts, next_attempt_at, last_error, created_at, sent_at';

const toMail = (row: MailRow): OutboxMail =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    sealedBody: row.sealed_body,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: new Date(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at),
  });

/** {@link MailOutboxStore} on PostgreSQL (`mail_outbox`). */
export class MailOutboxRepository implements MailOutboxStore {
  constructor(private readonly db: Database) {}

  async enqueue(mail: NewOutboxMail): Promise<void> {
    await this.db.execute(
      `insert into mail_outbox (id, tenant_id, kind, recipient, subject, sealed_body, next_attempt_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [randomUUID(), mail.tenantId, mail.kind, mail.recipient, mail.subject, mail.sealedBody, mail.createdAt, mail.createdAt],
      'run',
    );
  }

  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<OutboxMail[]> {
    // One statement: the row locks of the subquery hold until it commits, and skip locked lets other processes take other rows.
    const rows = await this.db.execute<MailRow[]>(
      `update mail_outbox set attempts = attempts + 1, next_attempt_at = ?
       where id in (select id from mail_outbox where status = 'pending' and next_attempt_at <= ?
                    order by next_attempt_at limit ? for update skip locked)
       returning ${COLUMNS}`,
      [leaseUntil, now, limit],
    );
    return rows.map(toMail).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.db.execute(
      `update mail_outbox set status = 'sent', sent_at = ?, sealed_body = null, last_error = null where id = ?`,
      [at, id],
      'run',
    );
  }

  async markUndelivered(id: string, error: string, retryAt: Date | null): Promise<void> {
    if (retryAt === null) {
      await this.db.execute(
        `update mail_outbox set status = 'failed', sealed_body = null, last_error = ? where id = ?`,
        [error, id],
        'run',
      );
    } else {
      await this.db.execute(`update mail_outbox set next_attempt_at = ?, last_error = ? where id = ?`, [retryAt, error, id], 'run');
    }
  }

  async nextDue(): Promise<Date | null> {
    const [row] = await this.db.execute<{ due: Date | string | null }[]>(
      `select min(next_attempt_at) as due from mail_outbox where status = 'pending'`,
    );
    return row?.due ? new Date(row.due) : null;
  }

  async list(tenantId: string, statuses: readonly MailStatus[], limit: number): Promise<OutboxMail[]> {
    if (statuses.length === 0) return [];
    const rows = await this.db.execute<MailRow[]>(
      `select ${COLUMNS} from mail_outbox where tenant_id = ? and status in (${statuses.map(() => '?').join(', ')}) order by created_at, id limit ?`,
      [tenantId, ...statuses, limit],
    );
    return rows.map(toMail);
  }
}
