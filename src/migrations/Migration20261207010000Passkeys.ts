import { Migration } from '@mikro-orm/migrations';

/**
 * Passkeys and security keys (issue 22): WebAuthn credentials of users, the public key only
 * (COSE), the credential ID unique across the server, the last signature counter, the
 * transports the browser reported, the backup flags (BE at registration, BS as of the last use),
 * a name the user chose and the times of creation and last use.
 */
export class Migration20261207010000Passkeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table user_passkeys (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      credential_id text not null unique,
      public_key bytea not null,
      counter bigint not null default 0,
      transports text[] not null default '{}',
      backup_eligible boolean not null default false,
      backed_up boolean not null default false,
      name text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz null
    );`);
    this.addSql('create index user_passkeys_user_idx on user_passkeys (user_id, created_at);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table user_passkeys;');
  }
}
