import { Migration } from '@mikro-orm/migrations';

/** Token families, refresh tokens, authorization codes, revoked access tokens, browser sessions, consents. */
export class Migration20261123010000OAuthCore extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table token_families (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        client_id text not null references clients (client_id) on delete cascade on update cascade,
        user_id uuid null references users (id) on delete cascade,
        device_id uuid null,
        scopes text[] not null default '{}',
        auth_time timestamptz null,
        nonce text null,
        revoked_at timestamptz null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index token_families_tenant_id_index on token_families (tenant_id);`);
    this.addSql(`create index token_families_user_id_index on token_families (user_id);`);
    this.addSql(`create index token_families_client_id_index on token_families (client_id);`);
    this.addSql(`
      create table refresh_tokens (
        id uuid primary key,
        token_hash text not null unique,
        family_id uuid not null references token_families (id) on delete cascade,
        tenant_id uuid not null references tenants (id) on delete cascade,
        client_id text not null,
        scopes text[] not null default '{}',
        expires_at timestamptz null,
        rotated_at timestamptz null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index refresh_tokens_family_id_index on refresh_tokens (family_id);`);
    this.addSql(`
      create table authorization_codes (
        code_hash text primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        client_id text not null references clients (client_id) on delete cascade on update cascade,
        user_id uuid not null references users (id) on delete cascade,
        redirect_uri text not null,
        scopes text[] not null default '{}',
        code_challenge text null,
        code_challenge_method text null,
        nonce text null,
        auth_time timestamptz not null,
        expires_at timestamptz not null,
        consumed_at timestamptz null,
        family_id uuid null,
        access_token_jti uuid null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index authorization_codes_expires_at_index on authorization_codes (expires_at);`);
    this.addSql(`
      create table revoked_tokens (
        jti uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        expires_at timestamptz not null,
        revoked_at timestamptz not null default now()
      );`);
    this.addSql(`create index revoked_tokens_expires_at_index on revoked_tokens (expires_at);`);
    this.addSql(`
      create table browser_sessions (
        id_hash text primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        user_id uuid not null references users (id) on delete cascade,
        auth_time timestamptz not null,
        expires_at timestamptz not null,
        ended_at timestamptz null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index browser_sessions_user_id_index on browser_sessions (user_id);`);
    this.addSql(`
      create table consents (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        user_id uuid not null references users (id) on delete cascade,
        client_id text not null references clients (client_id) on delete cascade on update cascade,
        scopes text[] not null default '{}',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint consents_user_id_client_id_unique unique (user_id, client_id)
      );`);
  }

  override async down(): Promise<void> {
    this.addSql(
      'drop table if exists consents, browser_sessions, revoked_tokens, authorization_codes, refresh_tokens, token_families cascade;',
    );
  }
}
