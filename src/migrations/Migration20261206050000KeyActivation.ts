import { Migration } from '@mikro-orm/migrations';

/**
 * Signing keys get `activates_at`: a new key is published in the JWKS before it
 * signs (src/domain/keys/key.service.ts). Every existing key has been signing
 * since it was made, so it activated at its creation. Tenants still without a
 * key get one at the next start (key generation needs the server secret, which
 * migrations do not have).
 */
export class Migration20261206050000KeyActivation extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table signing_keys add column activates_at timestamptz;');
    this.addSql('update signing_keys set activates_at = created_at;');
    this.addSql('alter table signing_keys alter column activates_at set not null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table signing_keys drop column activates_at;');
  }
}
