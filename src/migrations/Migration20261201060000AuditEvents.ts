import { Migration } from '@mikro-orm/migrations';

/** The audit trail: one row per admin mutation, sign-in, token failure, revocation or throttling. */
export class Migration20261201060000AuditEvents extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table audit_events (
        id uuid primary key,
        occurred_at timestamptz not null,
        action text not null,
        outcome text not null check (outcome in ('success', 'failure')),
        tenant_path text not null,
        actor_kind text not null check (actor_kind in ('client', 'user', 'anonymous', 'system')),
        actor_id text null,
        actor_client_id text null,
        target_kind text null,
        target_id text null,
        client_ip text null,
        request_id text null,
        detail jsonb null
      );`);
    // Newest first within a tenant subtree (text_pattern_ops serves the subtree LIKE prefix).
    this.addSql(`create index audit_events_tenant_time_index on audit_events (tenant_path text_pattern_ops, occurred_at desc, id desc);`);
    this.addSql(`create index audit_events_time_index on audit_events (occurred_at desc, id desc);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists audit_events;');
  }
}
