import { Migration } from '@mikro-orm/migrations';

/**
 * More of the revocation change log (after `Migration20261201014000RevocationChanges`):
 * the changes that make tokens inactive through the tenant and client caches
 * rather than the revocation state, so a process whose NOTIFY was lost applies
 * them within the poll interval too:
 *
 * - `tenant:<id>` when a tenant's `tokens_revoked_before` (batch revocation,
 *   seed 003) changes, `tenant:<id>:deleted` when a tenant is deleted;
 * - `client:<client_id>` when a client is disabled, deleted (also by its
 *   tenant's deletion) or given a new secret.
 *
 * And `clients.access_token_lifetime_max`, the longest access-token lifetime
 * the client has ever had (kept by trigger, never lowered): how long a
 * revoked family must stay in the in-memory state (`familyRetentionSeconds`).
 */
export class Migration20261201090000RevocationChangesMore extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table clients add column access_token_lifetime_max integer;');
    this.addSql('update clients set access_token_lifetime_max = access_token_lifetime;');
    this.addSql('alter table clients alter column access_token_lifetime_max set not null;');
    this.addSql(`create function clients_access_token_lifetime_max() returns trigger language plpgsql as $$ begin
      new.access_token_lifetime_max := greatest(new.access_token_lifetime, case when tg_op = 'UPDATE' then old.access_token_lifetime_max end);
      return new;
    end $$;`);
    this.addSql(
      'create trigger clients_access_token_lifetime_max before insert or update of access_token_lifetime, access_token_lifetime_max on clients for each row execute function clients_access_token_lifetime_max();',
    );
    this.addSql('create index clients_access_token_lifetime_max_index on clients (access_token_lifetime_max);');

    const onRow = (name: string, table: string, event: string, key: string, when: string) => {
      this.addSql(`create function revocation_change_${name}() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) values (${key});
        return null;
      end $$;`);
      this.addSql(
        `create trigger ${table}_change_${name} after ${event} on ${table} for each row ${when} execute function revocation_change_${name}();`,
      );
    };
    const onDelete = (name: string, table: string, key: string) => {
      this.addSql(`create function revocation_change_${name}() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) select ${key} from gone;
        return null;
      end $$;`);
      this.addSql(
        `create trigger ${table}_change_${name} after delete on ${table} referencing old table as gone for each statement execute function revocation_change_${name}();`,
      );
    };
    onRow(
      'tenant_cutoff',
      'tenants',
      'update of tokens_revoked_before',
      `'tenant:' || new.id`,
      'when (new.tokens_revoked_before is distinct from old.tokens_revoked_before)',
    );
    onDelete('tenants_deleted', 'tenants', `'tenant:' || id || ':deleted'`);
    onRow(
      'client',
      'clients',
      'update of enabled, secret_digest',
      `'client:' || new.client_id`,
      'when ((old.enabled and not new.enabled) or new.secret_digest is distinct from old.secret_digest)',
    );
    onDelete('clients_deleted', 'clients', `'client:' || client_id`);
  }

  override async down(): Promise<void> {
    const triggers: [string, string][] = [
      ['tenants', 'tenant_cutoff'],
      ['tenants', 'tenants_deleted'],
      ['clients', 'client'],
      ['clients', 'clients_deleted'],
    ];
    for (const [table, name] of triggers) {
      this.addSql(`drop trigger if exists ${table}_change_${name} on ${table};`);
      this.addSql(`drop function if exists revocation_change_${name}();`);
    }
    this.addSql('drop trigger if exists clients_access_token_lifetime_max on clients;');
    this.addSql('drop function if exists clients_access_token_lifetime_max();');
    this.addSql('alter table clients drop column if exists access_token_lifetime_max;');
  }
}
