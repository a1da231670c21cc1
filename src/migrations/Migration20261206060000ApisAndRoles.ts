import { Migration } from '@mikro-orm/migrations';

/**
 * APIs (resource servers, RFC 8707) and roles, per tenant:
 * - `apis`: an identifier (absolute URI, unique in its tenant), a name, an access-token
 *   lifetime, whether child tenants' clients may ask for it, and whether it is the
 *   tenant's default API (at most one per tenant);
 * - `api_permissions`: an API's permissions (scope names with descriptions);
 * - `roles`, `role_permissions` (referencing `api_permissions`, so removing a permission
 *   or deleting its API removes it from every role) and `role_assignments` (to a user or
 *   a client, each deleted with its subject);
 * - the resources a grant was given (RFC 8707 §2.2): on authorization codes and token
 *   families, so a code's token request and a refresh may only narrow to them.
 */
export class Migration20261206060000ApisAndRoles extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table apis (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        identifier text not null,
        name text not null,
        access_token_lifetime integer not null check (access_token_lifetime > 0),
        accepts_child_tenants boolean not null default false,
        is_default boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint apis_tenant_identifier_unique unique (tenant_id, identifier)
      );`);
    this.addSql('create unique index apis_tenant_default_unique on apis (tenant_id) where is_default;');
    this.addSql(`
      create table api_permissions (
        api_id uuid not null references apis (id) on delete cascade,
        name text not null,
        description text not null default '',
        position integer not null,
        primary key (api_id, name)
      );`);
    this.addSql(`
      create table roles (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        name text not null,
        description text not null default '',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint roles_tenant_name_unique unique (tenant_id, name)
      );`);
    this.addSql(`
      create table role_permissions (
        role_id uuid not null references roles (id) on delete cascade,
        api_id uuid not null,
        permission text not null,
        primary key (role_id, api_id, permission),
        foreign key (api_id, permission) references api_permissions (api_id, name) on delete cascade on update cascade
      );`);
    this.addSql('create index role_permissions_api_index on role_permissions (api_id, permission);');
    this.addSql(`
      create table role_assignments (
        role_id uuid not null references roles (id) on delete cascade,
        user_id uuid null references users (id) on delete cascade,
        client_id uuid null references clients (id) on delete cascade,
        created_at timestamptz not null default now(),
        check ((user_id is null) <> (client_id is null))
      );`);
    this.addSql('create unique index role_assignments_user_unique on role_assignments (user_id, role_id) where user_id is not null;');
    this.addSql('create unique index role_assignments_client_unique on role_assignments (client_id, role_id) where client_id is not null;');
    this.addSql('create index role_assignments_role_index on role_assignments (role_id);');
    this.addSql(`alter table token_families add column resources text[] not null default '{}';`);
    this.addSql(`alter table authorization_codes add column resources text[] not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql('alter table authorization_codes drop column if exists resources;');
    this.addSql('alter table token_families drop column if exists resources;');
    this.addSql('drop table if exists role_assignments;');
    this.addSql('drop table if exists role_permissions;');
    this.addSql('drop table if exists roles;');
    this.addSql('drop table if exists api_permissions;');
    this.addSql('drop table if exists apis;');
  }
}
