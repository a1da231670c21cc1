import { Migration } from '@mikro-orm/migrations';

/**
 * Second factors (issue 22): TOTP factors (secret sealed with the server secret, confirmed by a
 * first code, last accepted time step), one-time recovery codes (SHA-256 only), the
 * authentication methods (`amr`) and level (`acr`) of browser sessions, authorization codes and
 * token families, and the tenant's second-factor policy.
 */
export class Migration20261206200000SecondFactors extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table user_factors (
      id uuid primary key,
      tenant_id uuid not null,
      user_id uuid not null references users (id) on delete cascade,
      kind text not null check (kind in ('totp')),
      secret_sealed text not null,
      confirmed_at timestamptz null,
      last_step bigint null,
      created_at timestamptz not null default now(),
      unique (user_id, kind)
    );`);
    this.addSql(`create table recovery_codes (
      user_id uuid not null references users (id) on delete cascade,
      code_hash text not null,
      used_at timestamptz null,
      created_at timestamptz not null default now(),
      primary key (user_id, code_hash)
    );`);
    this.addSql("alter table browser_sessions add column amr text[] not null default '{pwd}', add column acr text null;");
    this.addSql("alter table authorization_codes add column amr text[] not null default '{}', add column acr text null;");
    this.addSql("alter table token_families add column amr text[] not null default '{}', add column acr text null;");
    this.addSql(
      "alter table tenants add column mfa_policy text not null default 'OPTIONAL' check (mfa_policy in ('OFF', 'OPTIONAL', 'REQUIRED')), add column mfa_required_roles text[] not null default '{}';",
    );
  }

  override async down(): Promise<void> {
    this.addSql('alter table tenants drop column mfa_policy, drop column mfa_required_roles;');
    this.addSql('alter table token_families drop column amr, drop column acr;');
    this.addSql('alter table authorization_codes drop column amr, drop column acr;');
    this.addSql('alter table browser_sessions drop column amr, drop column acr;');
    this.addSql('drop table recovery_codes;');
    this.addSql('drop table user_factors;');
  }
}
