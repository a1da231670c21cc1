import { Migration } from '@mikro-orm/migrations';

/**
 * The revocation change log: every revocation write records, by trigger and
 * in its own transaction, the key the in-memory revocation state applies
 * (`jti:<jti>:<exp>`, `family:<id>`, `device:<id>`, `cutoff:<kind>:<ms>:<subject>`,
 * `user:<id>`). Each process reads it every few seconds from a high-water
 * mark (`xid` ≥ the oldest transaction running at its last read), so a
 * revocation whose NOTIFY was lost still reaches it. Deleted families count as
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

    this.addSql(`
      create function revocation_change_jti() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) values ('jti:' || new.jti || ':' || least(date_part('epoch', new.expires_at), 2147483647)::bigint);
        return null;
      end $$;`);
    this.addSql('create trigger revoked_tokens_change after insert on revoked_tokens for each row execute function revocation_change_jti();');

    this.addSql(`
      create function revocation_change_family() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) values ('family:' || new.id);
        return null;
      end $$;`);
    this.addSql(`create trigger token_families_revoked after update of revoked_at on token_families
      for each row when (old.revoked_at is null and new.revoked_at is not null) execute function revocation_change_family();`);
    this.addSql(`
      create function revocation_change_families_deleted() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) select 'family:' || id from gone;
        return null;
      end $$;`);
    this.addSql(`create trigger token_families_deleted after delete on token_families
      referencing old table as gone for each statement execute function revocation_change_families_deleted();`);

    this.addSql(`
      create function revocation_change_device() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) values ('device:' || new.id);
        return null;
      end $$;`);
    this.addSql(`create trigger devices_revoked after update of revoked_at on devices
      for each row when (old.revoked_at is null and new.revoked_at is not null) execute function revocation_change_device();`);

    this.addSql(`
      create function revocation_change_cutoff() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) values ('cutoff:' || new.kind || ':' || floor(extract(epoch from new.cutoff) * 1000)::bigint || ':' || new.subject);
        return null;
      end $$;`);
    this.addSql('create trigger token_cutoffs_change after insert or update on token_cutoffs for each row execute function revocation_change_cutoff();');

    this.addSql(`
      create function revocation_change_user() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) values ('user:' || new.id);
        return null;
      end $$;`);
    this.addSql(`create trigger users_disabled after update of enabled on users
      for each row when (old.enabled and not new.enabled) execute function revocation_change_user();`);
    this.addSql(`
      create function revocation_change_users_deleted() returns trigger language plpgsql as $$ begin
        insert into revocation_changes (key) select 'user:' || id from gone;
        return null;
      end $$;`);
    this.addSql(`create trigger users_deleted after delete on users
      referencing old table as gone for each statement execute function revocation_change_users_deleted();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists revoked_tokens_change on revoked_tokens;');
    this.addSql('drop trigger if exists token_families_revoked on token_families;');
    this.addSql('drop trigger if exists token_families_deleted on token_families;');
    this.addSql('drop trigger if exists devices_revoked on devices;');
    this.addSql('drop trigger if exists token_cutoffs_change on token_cutoffs;');
    this.addSql('drop trigger if exists users_disabled on users;');
    this.addSql('drop trigger if exists users_deleted on users;');
    this.addSql(`drop function if exists revocation_change_jti(), revocation_change_family(), revocation_change_families_deleted(),
      revocation_change_device(), revocation_change_cutoff(), revocation_change_user(), revocation_change_users_deleted();`);
    this.addSql('drop table if exists revocation_changes;');
  }
}
