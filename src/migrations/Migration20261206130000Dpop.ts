import { Migration } from '@mikro-orm/migrations';

/**
 * DPoP (RFC 9449): a client may require proofs (`dpop_bound_access_tokens`, §5.2), an
 * authorization code keeps the request's `dpop_jkt` (§10), and a token family of a public
 * client keeps the key its refresh tokens are bound to (§5).
 */
export class Migration20261206130000Dpop extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table clients add column dpop_bound_access_tokens boolean not null default false;');
    this.addSql('alter table authorization_codes add column dpop_jkt text null;');
    this.addSql('alter table token_families add column dpop_jkt text null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table token_families drop column dpop_jkt;');
    this.addSql('alter table authorization_codes drop column dpop_jkt;');
    this.addSql('alter table clients drop column dpop_bound_access_tokens;');
  }
}
