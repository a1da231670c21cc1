import { Migration } from '@mikro-orm/migrations';

/**
 * `used_identifiers`: identifiers that may be used once (client assertion `jti`, DPoP proof
 * `jti`, pushed `request_uri`), as digests, until they expire (src/domain/replay/replay-guard.ts).
 */
export class Migration20261206090000UsedIdentifiers extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table used_identifiers (key text primary key, expires_at timestamptz not null);');
    this.addSql('create index used_identifiers_expires_at_idx on used_identifiers (expires_at);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table used_identifiers;');
  }
}
