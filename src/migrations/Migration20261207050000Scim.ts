import { Migration } from '@mikro-orm/migrations';

/**
 * SCIM 2.0 provisioning (RFC 7643/7644; src/domain/scim/):
 * - `users.external_id`: the directory's own id of a user (SCIM `externalId`), unique per tenant when set;
 * - `scim_tokens`: the tenant-scoped bearer tokens an enterprise directory authenticates with, stored as
 *   the SHA-256 of the token (high entropy: no keyed or slow hash needed), revocable;
 * - `audit_events.actor_kind` admits `scim`: SCIM writes are audited with the token as the actor.
 */
export class Migration20261207050000Scim extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table users add column external_id text null;');
    this.addSql('create unique index users_tenant_external_id_unique on users (tenant_id, external_id) where external_id is not null;');
    this.addSql(`
      create table scim_tokens (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        token_hash text not null unique,
        description text not null default '',
        created_at timestamptz not null default now(),
        revoked_at timestamptz null
      );`);
    this.addSql('create index scim_tokens_tenant_id_created_at_index on scim_tokens (tenant_id, created_at);');
    this.addSql('alter table audit_events drop constraint if exists audit_events_actor_kind_check;');
    this.addSql(
      "alter table audit_events add constraint audit_events_actor_kind_check check (actor_kind in ('client', 'user', 'anonymous', 'system', 'scim'));",
    );
  }

  override async down(): Promise<void> {
    this.addSql("delete from audit_events where actor_kind = 'scim';");
    this.addSql('alter table audit_events drop constraint if exists audit_events_actor_kind_check;');
    this.addSql(
      "alter table audit_events add constraint audit_events_actor_kind_check check (actor_kind in ('client', 'user', 'anonymous', 'system'));",
    );
    this.addSql('drop table scim_tokens;');
    this.addSql('drop index users_tenant_external_id_unique;');
    this.addSql('alter table users drop column external_id;');
  }
}
