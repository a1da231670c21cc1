import { Migration } from '@mikro-orm/migrations';

/**
 * The revocation change log: every revocation write records, by trigger and
 * in its own transaction, the key the in-memory revocation state applies
 * (`jti:<jti>:<exp>`, `family:<id>`, `device:<id>`, `cutoff:<kind>:<ms>:<subject>`,
 * `user:<id>`). Each process reads it every few seconds: the rows whose
 * transaction (`xid`) its last read's snapshot did not see, so a revocation
 * whose NOTIFY was lost still reaches it. Deleted families count as
 * revoked. Rows are purged after an hour.
 */
export class Migration20261201014000RevocationChanges extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table revocation_changes (
        id bigint generated always as identity primary key,
        xid xid8 not null default pg_current_xact_id(),
        key text not null,
        created_at timestamptz not null default now()
      );`);
    this.addSql('create index revocation_changes_xid_index on revocation_changes (xid);');
    this.addSql('create index revocation_changes_created_at_index on revocation_changes (created_at);');

    // One function and trigger per change: `key` is an SQL expression over the row (`new`), or over the deleted rows (`gone`).
    const onRow = (name: string, table: string, event: string, key: string, when = '') => {
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
    const revoked = 'when (old.revoked_at is null and new.revoked_at is not null)';
    onRow('jti', 'revoked_tokens', 'insert', `'jti:' || new.jti || ':' || least(date_part('epoch', new.expires_at), 2147483647)::bigint`);
    onRow('family', 'token_families', 'update of revoked_at', `'family:' || new.id`, revoked);
    onDelete('families_deleted', 'token_families', `'family:' || id`);
    onRow('device', 'devices', 'update of revoked_at', `'device:' || new.id`, revoked);
    onRow(
      'cutoff',
      'token_cutoffs',
      'insert or update',
      `'cutoff:' || new.kind || ':' || floor(extract(epoch from new.cutoff) * 1000)::bigint || ':' || new.subject`,
    );
    onRow('user', 'users', 'update of enabled', `'user:' || new.id`, 'when (old.enabled and not new.enabled)');
    onDelete('users_deleted', 'users', `'user:' || id`);
  }

  override async down(): Promise<void> {
    const triggers: [string, string][] = [
      ['revoked_tokens', 'jti'],
      ['token_families', 'family'],
      ['token_families', 'families_deleted'],
      ['devices', 'device'],
      ['token_cutoffs', 'cutoff'],
      ['users', 'user'],
      ['users', 'users_deleted'],
    ];
    for (const [table, name] of triggers) {
      this.addSql(`drop trigger if exists ${table}_change_${name} on ${table};`);
      this.addSql(`drop function if exists revocation_change_${name}();`);
    }
    this.addSql('drop table if exists revocation_changes;');
  }
}
