import { Migration } from '@mikro-orm/migrations';

/**
 * Email flows (src/domain/mail):
 * - `mail_outbox`: every mail the server owes, written in the transaction of the action that
 *   causes it and delivered by the in-process worker (several processes claim rows with
 *   `for update skip locked`); the body is sealed with the server secret and dropped once sent;
 * - `account_tokens`: single-use links mailed to users (password reset, email verification), as SHA-256 digests;
 * - `mail_templates`: a tenant admin's own subject and text per kind of mail;
 * - `users.email_verified`: true only once the user opened a verification link sent to the current email.
 */
export class Migration20261206210000MailOutbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table mail_outbox (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      kind text not null,
      recipient text not null,
      subject text not null,
      sealed_body text,
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      last_error text,
      created_at timestamptz not null,
      sent_at timestamptz
    );`);
    this.addSql(`create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where status = 'pending';`);
    this.addSql(`create index mail_outbox_tenant_idx on mail_outbox (tenant_id, created_at);`);
    this.addSql(`create table account_tokens (
      token_hash text primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      purpose text not null,
      email text,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null
    );`);
    this.addSql(`create index account_tokens_user_idx on account_tokens (user_id, purpose);`);
    this.addSql(`create index account_tokens_expires_at_idx on account_tokens (expires_at);`);
    this.addSql('alter table users add column email_verified boolean not null default false;');
    this.addSql(`create table mail_templates (
      tenant_id uuid not null references tenants (id) on delete cascade,
      kind text not null,
      subject text not null,
      body text not null,
      updated_at timestamptz not null,
      primary key (tenant_id, kind)
    );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table mail_templates;');
    this.addSql('alter table users drop column email_verified;');
    this.addSql('drop table account_tokens;');
    this.addSql('drop table mail_outbox;');
  }
}
