import { Migration } from '@mikro-orm/migrations';

/**
 * Withdrawn privileges in the revocation change log: scope `admin` on a token
 * counts only while its user holds the admin role and its client is allowed
 * the scope, both read from per-process caches. So a process whose NOTIFY for
 * the change was lost drops the cached user or client at its next read of the
 * log, as for a disabled user or client:
 *
 * - `user:<id>` when a user loses the admin role;
 * - `client:<client_id>` when a client loses an allowed scope.
 */
export class Migration20261201100000PrivilegeChanges extends Migration {
  override async up(): Promise<void> {
    const onRow = (name: string, table: string, column: string, key: string, when: string) => {
      this.addSql(`create function revocation_change_${name}() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) values (${key});
        return null;
      end $$;`);
      this.addSql(
        `create trigger ${table}_change_${name} after update of ${column} on ${table} for each row when (${when}) execute function revocation_change_${name}();`,
      );
    };
    onRow('user_admin', 'users', 'admin', `'user:' || new.id`, 'old.admin and not new.admin');
    onRow('client_scopes', 'clients', 'allowed_scopes', `'client:' || new.client_id`, 'not (new.allowed_scopes @> old.allowed_scopes)');
  }

  override async down(): Promise<void> {
    for (const [table, name] of [
      ['users', 'user_admin'],
      ['clients', 'client_scopes'],
    ]) {
      this.addSql(`drop trigger if exists ${table}_change_${name} on ${table};`);
      this.addSql(`drop function if exists revocation_change_${name}();`);
    }
  }
}
