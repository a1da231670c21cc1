import { Migration } from '@mikro-orm/migrations';

/**
 * Upstream identity providers per tenant (issue 23): OpenID Connect providers (issuer discovered)
 * and plain OAuth 2.0 ones (authorization, token and userinfo endpoints given), their client
 * secret sealed with the server secret, the email domains that route to each (unique per tenant),
 * and the federated identities linking a local user to an upstream `iss` + `sub`.
 */
export class Migration20261207040000IdentityProviders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table identity_providers (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      kind text not null check (kind in ('OIDC', 'OAUTH2')),
      alias text not null,
      name text not null,
      issuer text not null,
      authorization_endpoint text null,
      token_endpoint text null,
      userinfo_endpoint text null,
      client_id text not null,
      client_secret_sealed text null,
      scopes text[] not null default '{}',
      claim_mapping jsonb not null default '{}',
      exclusive boolean not null default false,
      jit_provisioning boolean not null default true,
      trust_email_verified boolean not null default false,
      enabled boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, alias)
    );`);
    this.addSql(`create table identity_provider_domains (
      tenant_id uuid not null references tenants (id) on delete cascade,
      domain text not null,
      provider_id uuid not null references identity_providers (id) on delete cascade,
      primary key (tenant_id, domain)
    );`);
    this.addSql('create index identity_provider_domains_provider on identity_provider_domains (provider_id);');
    this.addSql(`create table federated_identities (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      provider_id uuid not null references identity_providers (id) on delete cascade,
      issuer text not null,
      subject text not null,
      created_at timestamptz not null default now(),
      last_sign_in_at timestamptz null,
      unique (provider_id, issuer, subject)
    );`);
    this.addSql('create index federated_identities_user on federated_identities (user_id);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table federated_identities;');
    this.addSql('drop table identity_provider_domains;');
    this.addSql('drop table identity_providers;');
  }
}
