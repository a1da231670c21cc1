import { Migration } from '@mikro-orm/migrations';

/**
 * JWT client authentication (RFC 7523, OIDC Core §9): each client's registered
 * `token_endpoint_auth_method` (public clients `none`, confidential ones keep
 * `client_secret_basic`, which also accepts `client_secret_post`), its public keys
 * (`jwks` as JSON text, or `jwks_uri`, never both), and for `client_secret_jwt`
 * clients the secret sealed with the server secret. A `private_key_jwt` client is
 * confidential without any secret.
 */
export class Migration20261206120000ClientKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table clients add column token_endpoint_auth_method text not null default 'client_secret_basic', ` +
        `add column jwks text null, add column jwks_uri text null, add column secret_sealed text null;`,
    );
    this.addSql(`update clients set token_endpoint_auth_method = 'none' where is_public;`);
    // A private_key_jwt client is confidential without a secret.
    this.addSql(
      `alter table clients drop constraint clients_check, add constraint clients_check ` +
        `check (is_public or secret_digest is not null or token_endpoint_auth_method = 'private_key_jwt');`,
    );
    this.addSql(
      `alter table clients add constraint clients_jwks_exclusive check (jwks is null or jwks_uri is null), ` +
        `add constraint clients_token_endpoint_auth_method_check check (token_endpoint_auth_method in ` +
        `('client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`delete from clients where not is_public and secret_digest is null;`);
    this.addSql(
      'alter table clients drop constraint clients_check, add constraint clients_check check (is_public or secret_digest is not null);',
    );
    this.addSql(
      'alter table clients drop constraint clients_jwks_exclusive, drop constraint clients_token_endpoint_auth_method_check, ' +
        'drop column token_endpoint_auth_method, drop column jwks, drop column jwks_uri, drop column secret_sealed;',
    );
  }
}
