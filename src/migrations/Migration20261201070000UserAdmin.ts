import { Migration } from '@mikro-orm/migrations';

/** Human administrators: a user may hold the admin role for its own tenant and subtree. */
export class Migration20261201070000UserAdmin extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table users add column admin boolean not null default false;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table users drop column if exists admin;');
  }
}
