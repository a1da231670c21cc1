import type { MailKind } from './mail-outbox-store';

export interface MailTemplateText {
  readonly subject: string;
  readonly body: string;
}

/** A tenant's own templates (implemented in src/data/mail-template.repository.ts). */
export interface MailTemplateStore {
  find(tenantId: string, kind: MailKind): Promise<MailTemplateText | null>;
  upsert(tenantId: string, kind: MailKind, template: MailTemplateText, at: Date): Promise<void>;
  /** True when there was one. */
  delete(tenantId: string, kind: MailKind): Promise<boolean>;
}
