import { Migration } from '@mikro-orm/migrations';

/** Tenants, clients, users and signing keys. */
export class Migration20261123000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenants (
        id uuid primary key,
        path text not null unique,
        parent_id uuid null references tenants (id) on delete cascade,
        name text not null,
        signing_algorithm text not null default 'RS256' check (signing_algorithm in ('RS256', 'ES256', 'EdDSA')),
        allow_self_signup boolean not null default false,
        tokens_revoked_before timestamptz null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`create index tenants_parent_id_index on tenants (parent_id);`);
    this.addSql(`create index tenants_path_pattern_index on tenants (path text_pattern_ops);`);
    this.addSql(`
      create table clients (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        client_id text not null unique,
        name text not null,
        secret_digest text null,
        is_public boolean not null default false,
        redirect_uris text[] not null default '{}',
        grant_types text[] not null default '{client_credentials}',
        allowed_scopes text[] not null default '{}',
        first_party boolean not null default false,
        access_token_lifetime integer not null default 3600 check (access_token_lifetime > 0),
        refresh_token_lifetime integer not null default 2592000 check (refresh_token_lifetime > 0),
        enabled boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (is_public or secret_digest is not null)
      );`);
    this.addSql(`create index clients_tenant_id_created_at_index on clients (tenant_id, created_at, id);`);
    this.addSql(`
      create table users (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        username text not null,
        email text null,
        phone text null,
        firstname text null,
        lastname text null,
        password_hash text not null,
        enabled boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint users_tenant_id_username_unique unique (tenant_id, username)
      );`);
    this.addSql(`create index users_tenant_id_created_at_index on users (tenant_id, created_at, id);`);
    this.addSql(`
      create table signing_keys (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        kid text not null unique,
        algorithm text not null,
        public_jwk jsonb not null,
        sealed_private_jwk text not null,
        status text not null default 'active' check (status in ('active', 'retired')),
        created_at timestamptz not null default now(),
        retired_at timestamptz null,
        publish_until timestamptz null
      );`);
    this.addSql(`create unique index signing_keys_one_active_per_tenant on signing_keys (tenant_id) where status = 'active';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists signing_keys, users, clients, tenants cascade;');
  }
}
