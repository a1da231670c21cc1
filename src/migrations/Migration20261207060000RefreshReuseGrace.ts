import { Migration } from '@mikro-orm/migrations';

/**
 * Refresh-token reuse grace (issue 24): per tenant, how long after a rotation the
 * rotated token may be presented again and get the same successor (0: strict rotation);
 * on the rotated token, its successor sealed with the server secret for that window.
 */
export class Migration20261207060000RefreshReuseGrace extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table tenants add column refresh_reuse_grace_seconds integer not null default 0 check (refresh_reuse_grace_seconds between 0 and 300);',
    );
    this.addSql('alter table refresh_tokens add column successor_sealed text null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table refresh_tokens drop column successor_sealed;');
    this.addSql('alter table tenants drop column refresh_reuse_grace_seconds;');
  }
}
