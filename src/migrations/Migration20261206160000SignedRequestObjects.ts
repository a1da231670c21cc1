import { Migration } from '@mikro-orm/migrations';

/**
 * RFC 9101 §10.5 / OIDC Registration `require_signed_request_object`: per client. Request objects
 * themselves are not stored; their `jti` is used once through `used_identifiers`.
 */
export class Migration20261206160000SignedRequestObjects extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table clients add column require_signed_request_object boolean not null default false;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table clients drop column require_signed_request_object;');
  }
}
