import { Migration } from '@mikro-orm/migrations';

/**
 * The OAuth 2.0 Device Authorization Grant (RFC 8628), not seed 002's device token sets:
 * `device_authorizations`, one row per device authorization request. The device code is
 * stored only as its SHA-256 (`device_code_digest`); the user code (8 letters, normalised)
 * is unique among pending requests only, so codes of finished requests may come back.
 * `status` moves pending → approved | denied (the verification page), approved → redeemed
 * (the token endpoint, once); `last_polled_at` and `interval_seconds` enforce the polling
 * interval (§3.5 `slow_down`). Rows are purged a day past expiry (maintenance).
 */
export class Migration20261206100000DeviceAuthorization extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table device_authorizations (
        id uuid primary key,
        tenant_id uuid not null references tenants (id) on delete cascade,
        client_id text not null references clients (client_id) on delete cascade on update cascade,
        device_code_digest text not null,
        user_code text not null,
        scopes text[] not null default '{}',
        resources text[] not null default '{}',
        status text not null default 'pending' check (status in ('pending', 'approved', 'denied', 'redeemed')),
        user_id uuid null references users (id) on delete cascade,
        auth_time timestamptz null,
        expires_at timestamptz not null,
        last_polled_at timestamptz null,
        interval_seconds integer not null check (interval_seconds > 0),
        created_at timestamptz not null default now(),
        constraint device_authorizations_device_code_digest_unique unique (device_code_digest)
      );`);
    this.addSql(
      `create unique index device_authorizations_pending_user_code_unique on device_authorizations (user_code) where status = 'pending';`,
    );
    this.addSql('create index device_authorizations_expires_at_index on device_authorizations (expires_at);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists device_authorizations;');
  }
}
