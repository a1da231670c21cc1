import { Migration } from '@mikro-orm/migrations';

/**
 * Event webhooks per tenant (src/domain/webhooks/):
 * - `webhooks`: a tenant's subscriptions, a URL, the event types and the signing secret, sealed with the
 *   server secret (it must be read back to sign);
 * - `webhook_deliveries`: the outbox, one row per (event, matching webhook), written in the transaction
 *   that writes the audit rows; `seq` orders deliveries of one subject; `claim_id` is the lease of the
 *   process sending it, so only that process can mark it delivered or retried.
 */
export class Migration20261207080000Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table webhooks (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        url text not null,
        event_types text[] not null,
        description text not null default '',
        sealed_secret text not null,
        enabled boolean not null default true,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );`);
    this.addSql('create index webhooks_tenant_id_index on webhooks (tenant_id);');
    this.addSql(`
      create table webhook_deliveries (
        id uuid primary key,
        seq bigint generated always as identity,
        webhook_id uuid not null references webhooks (id) on delete cascade,
        event_id uuid not null,
        event_type text not null,
        subject text not null,
        body text not null,
        status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        give_up_at timestamptz not null,
        claim_id uuid null,
        last_attempt_at timestamptz null,
        last_status integer null,
        last_error text null,
        created_at timestamptz not null,
        delivered_at timestamptz null
      );`);
    this.addSql("create index webhook_deliveries_due_index on webhook_deliveries (next_attempt_at) where status = 'pending';");
    this.addSql("create index webhook_deliveries_subject_index on webhook_deliveries (webhook_id, subject, seq) where status = 'pending';");
    this.addSql('create index webhook_deliveries_webhook_seq_index on webhook_deliveries (webhook_id, seq);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table webhook_deliveries;');
    this.addSql('drop table webhooks;');
  }
}
