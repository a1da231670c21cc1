import { Migration } from '@mikro-orm/migrations';

/**
 * Seed 002 devices (each bound to one refresh family), per-user and per-client
 * revocation cutoffs, and the access-token issuance counters that revocation
 * counts read (access tokens themselves are never stored).
 */
export class Migration20261201050000Devices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table devices (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        user_id uuid not null references users (id) on delete cascade,
        client_id text not null references clients (client_id) on delete cascade on update cascade,
        name text not null,
        created_at timestamptz not null default now(),
        last_used_at timestamptz null,
        revoked_at timestamptz null
      );`);
    this.addSql(`create index devices_user_id_created_at_index on devices (user_id, created_at, id);`);
    this.addSql(`create index devices_tenant_id_index on devices (tenant_id);`);
    this.addSql(
      `alter table token_families add constraint token_families_device_id_foreign foreign key (device_id) references devices (id) on delete cascade;`,
    );
    this.addSql(`create index token_families_device_id_index on token_families (device_id) where device_id is not null;`);
    this.addSql(`
      create table token_cutoffs (
        kind text not null check (kind in ('user', 'client')),
        subject text not null,
        tenant_id uuid not null references tenants (id) on delete cascade,
        cutoff timestamptz not null,
        primary key (kind, subject)
      );`);
    this.addSql(`
      create table token_issuance (
        tenant_id uuid not null references tenants (id) on delete cascade,
        client_id text not null,
        user_id uuid null,
        family_id uuid null,
        issued_at bigint not null,
        expires_at bigint not null,
        count integer not null,
        constraint token_issuance_key unique nulls not distinct (tenant_id, client_id, user_id, family_id, issued_at, expires_at)
      );`);
    this.addSql(`create index token_issuance_user_id_index on token_issuance (user_id) where user_id is not null;`);
    this.addSql(`create index token_issuance_family_id_index on token_issuance (family_id) where family_id is not null;`);
    this.addSql(`create index token_issuance_expires_at_index on token_issuance (expires_at);`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table token_families drop constraint if exists token_families_device_id_foreign;');
    this.addSql('drop index if exists token_families_device_id_index;');
    this.addSql('drop table if exists token_issuance, token_cutoffs, devices cascade;');
  }
}
