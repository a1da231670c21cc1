import type { MailKind } from '../domain/mail/mail-outbox-store';
import type { MailTemplateStore, MailTemplateText } from '../domain/mail/mail-template-store';
import type { Database } from './database';

/** {@link MailTemplateStore} on PostgreSQL (`mail_templates`). */
export class MailTemplateRepository implements MailTemplateStore {
  constructor(private readonly db: Database) {}

  async find(tenantId: string, kind: MailKind): Promise<MailTemplateText | null> {
    const [row] = await this.db.execute<MailTemplateText[]>('select subject, body from mail_templates where tenant_id = ? and kind = ?', [
      tenantId,
      kind,
    ]);
    return row ? { subject: row.subject, body: row.body } : null;
  }

  async upsert(tenantId: string, kind: MailKind, template: MailTemplateText, at: Date): Promise<void> {
    await this.db.execute(
      `insert into mail_templates (tenant_id, kind, subject, body, updated_at) values (?, ?, ?, ?, ?)
       on conflict (tenant_id, kind) do update set subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at`,
      [tenantId, kind, template.subject, template.body, at],
      'run',
    );
  }

  async delete(tenantId: string, kind: MailKind): Promise<boolean> {
    const rows = await this.db.execute<unknown[]>('delete from mail_templates where tenant_id = ? and kind = ? returning 1', [
      tenantId,
      kind,
    ]);
    return rows.length > 0;
  }
}
