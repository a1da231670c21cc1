import { Migration } from '@mikro-orm/migrations';

/**
 * The device grant's ID tokens carry the `amr` and `acr` of the sign-in that approved the
 * request, like the code flow's: the approving session's methods and class are kept with it.
 * Requests decided before this migration have none (an empty `amr`, no `acr`).
 */
export class Migration20261207000000DeviceApprovalMethods extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table device_authorizations add column amr text[] not null default '{}', add column acr text;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table device_authorizations drop column amr, drop column acr;`);
  }
}
