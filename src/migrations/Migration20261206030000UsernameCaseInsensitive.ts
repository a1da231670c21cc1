import { Migration } from '@mikro-orm/migrations';

/**
 * Usernames become unique per tenant regardless of case: a unique index on
 * `(tenant_id, lower(username collate "C"))` (ASCII case folding; usernames are
 * ASCII) replaces the exact `(tenant_id, username)` constraint. Stored usernames
 * keep their case.
 *
 * Accounts are never merged or renamed here. When a tenant already holds usernames
 * that differ only in case, the migration fails before changing anything, naming
 * each tenant and its conflicting usernames; an operator renames all but one of
 * each group (e.g. with GraphQL `updateUser` on the previous version) and starts again.
 */
export class Migration20261206030000UsernameCaseInsensitive extends Migration {
  override async up(): Promise<void> {
    const duplicates = await this.execute(
      `select t.path as tenant_path, array_agg(u.username order by u.username collate "C") as usernames
         from users u join tenants t on t.id = u.tenant_id
        group by t.path, u.tenant_id, lower(u.username collate "C")
       having count(*) > 1
        order by t.path collate "C", min(u.username collate "C")`,
    );
    if (duplicates.length > 0) throw new Error(caseDuplicatesMessage(duplicates as { tenant_path: string; usernames: string[] }[]));
    this.addSql(`create unique index users_tenant_username_key_unique on users (tenant_id, lower(username collate "C"));`);
    this.addSql('alter table users drop constraint users_tenant_id_username_unique;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table users add constraint users_tenant_id_username_unique unique (tenant_id, username);');
    this.addSql('drop index if exists users_tenant_username_key_unique;');
  }
}

function caseDuplicatesMessage(groups: { tenant_path: string; usernames: string[] }[]): string {
  const lines = groups.map((group) => `  tenant ${group.tenant_path}: ${group.usernames.join(', ')}`);
  return [
    'usernames are now case-insensitive within a tenant, but these tenants hold usernames that differ only in case:',
    ...lines,
    'Nothing was changed, and no account is merged or renamed automatically. Rename all but one username of each group',
    "(e.g. with the previous version's GraphQL mutation updateUser(id, input: { username })), then start again.",
  ].join('\n');
}
