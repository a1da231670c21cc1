import { Migration } from '@mikro-orm/migrations';

/**
 * Scheduled signing-key rotation per tenant (src/domain/keys/key-rotation-policy.ts):
 * `key_rotation_days` (0: manual rotation only, the behaviour so far) and
 * `key_publication_seconds`, how long a new key is in the JWKS before it signs
 * (the server-wide 360 s so far). The scheduler looks up tenants by their active key.
 */
export class Migration20261207070000KeyRotationAndKeyring extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table tenants add column key_rotation_days integer not null default 0;');
    this.addSql('alter table tenants add column key_publication_seconds integer not null default 360;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table tenants drop column key_publication_seconds;');
    this.addSql('alter table tenants drop column key_rotation_days;');
  }
}
