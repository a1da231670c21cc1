import { Migration } from '@mikro-orm/migrations';

/**
 * Security profiles (src/domain/profiles/security-profile.ts): `NONE` or `FAPI2`, per tenant
 * (every client of it but the server's own) and per client.
 */
export class Migration20261206170000SecurityProfiles extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      "alter table tenants add column security_profile text not null default 'NONE' check (security_profile in ('NONE', 'FAPI2'));",
    );
    this.addSql(
      "alter table clients add column security_profile text not null default 'NONE' check (security_profile in ('NONE', 'FAPI2'));",
    );
  }

  override async down(): Promise<void> {
    this.addSql('alter table clients drop column security_profile;');
    this.addSql('alter table tenants drop column security_profile;');
  }
}
