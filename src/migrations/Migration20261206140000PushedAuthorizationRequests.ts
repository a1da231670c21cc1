import { Migration } from '@mikro-orm/migrations';

/**
 * RFC 9126 §5-6 `require_pushed_authorization_requests`: per client (client metadata) and per
 * tenant (every client of its issuer). Pushed requests themselves are sealed into their
 * request_uri and used once through `used_identifiers`, so they need no table.
 */
export class Migration20261206140000PushedAuthorizationRequests extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table clients add column require_pushed_authorization_requests boolean not null default false;');
    this.addSql('alter table tenants add column require_pushed_authorization_requests boolean not null default false;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table clients drop column require_pushed_authorization_requests;');
    this.addSql('alter table tenants drop column require_pushed_authorization_requests;');
  }
}
