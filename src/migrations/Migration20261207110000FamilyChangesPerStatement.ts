import { Migration } from '@mikro-orm/migrations';

/**
 * The change-log entry of a revoked refresh family (`family:<id>`, see
 * `Migration20261201014000RevocationChanges`) is written by one trigger per statement
 * instead of one per row: ending a user's 100 browser sessions revokes 1,000 families in
 * one UPDATE, and a PL/pgSQL call with its own INSERT per row was most of that statement's
 * time. The statement trigger compares the old and new rows (transition tables) and logs,
 * in one INSERT … SELECT, exactly the rows the row trigger logged: `revoked_at` went from
 * null to a value. (A trigger with transition tables cannot name columns, so it fires on
 * every UPDATE of `token_families`; every such UPDATE is a revocation.)
 */
export class Migration20261207110000FamilyChangesPerStatement extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop trigger if exists token_families_change_family on token_families;');
    this.addSql('drop function if exists revocation_change_family();');
    this.addSql(`create function revocation_change_families() returns trigger language plpgsql as $$ begin
      insert into revocation_changes (key)
        select 'family:' || n.id from changed_new n join changed_old o on o.id = n.id
         where o.revoked_at is null and n.revoked_at is not null;
      return null;
    end $$;`);
    this.addSql(
      `create trigger token_families_change_families after update on token_families
         referencing old table as changed_old new table as changed_new
         for each statement execute function revocation_change_families();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists token_families_change_families on token_families;');
    this.addSql('drop function if exists revocation_change_families();');
    this.addSql(`create function revocation_change_family() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) values ('family:' || new.id);
        return null;
      end $$;`);
    this.addSql(
      `create trigger token_families_change_family after update of revoked_at on token_families for each row
         when (old.revoked_at is null and new.revoked_at is not null) execute function revocation_change_family();`,
    );
  }
}
