import { Migration } from '@mikro-orm/migrations';

/**
 * Dynamic client registration (RFC 7591, RFC 7592; src/domain/registration/):
 * - `tenants.allow_open_client_registration`: registration without an initial access token (off by default);
 * - `initial_access_tokens`: tokens a tenant admin issues for registering clients, as keyed digests, with
 *   their policy, expiry and use count;
 * - `client_registrations`: the registration of a dynamically registered client: its registration access
 *   token (keyed digest), the RFC 7591 metadata the clients table has no column for, and the policy it
 *   was registered under (an update is held to it). It goes with its
 *   client (on delete cascade), so deleting the client by any path revokes the registration access token.
 */
export class Migration20261206150000DynamicClientRegistration extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table tenants add column allow_open_client_registration boolean not null default false;');
    this.addSql(`
      create table initial_access_tokens (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        token_digest text not null unique,
        description text not null default '',
        policy jsonb not null default '{}',
        max_uses integer null,
        uses integer not null default 0,
        expires_at timestamptz null,
        revoked_at timestamptz null,
        created_at timestamptz not null default now()
      );`);
    this.addSql('create index initial_access_tokens_tenant_id_created_at_index on initial_access_tokens (tenant_id, created_at);');
    this.addSql(`
      create table client_registrations (
        client_id text primary key references clients (client_id) on delete cascade,
        access_token_digest text not null,
        metadata jsonb not null default '{}',
        policy jsonb not null default '{}',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table client_registrations;');
    this.addSql('drop table initial_access_tokens;');
    this.addSql('alter table tenants drop column allow_open_client_registration;');
  }
}
