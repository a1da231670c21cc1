import { Migration } from '@mikro-orm/migrations';

/**
 * Clients get their RFC 8693 token exchange allowance (src/domain/clients/token-exchange-policy.ts):
 * impersonation, delegation, and tokens of descendant tenants. Every existing client may do none.
 */
export class Migration20261206110000TokenExchange extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table clients add column token_exchange_impersonation boolean not null default false, ' +
        'add column token_exchange_delegation boolean not null default false, ' +
        'add column token_exchange_subtree boolean not null default false;',
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      'alter table clients drop column token_exchange_impersonation, drop column token_exchange_delegation, drop column token_exchange_subtree;',
    );
  }
}
