import type { Tenant } from '../tenants/tenant';
import { provisionRoleAssignments } from './provision-access';
import { ProvisioningError } from './provisioning-error';
import type { PlannedUser } from './provisioning-plan';
import { atEntry, differs, type ProvisioningScope } from './provisioning-scope';

/**
 * Creates the user or brings its profile to the planned state through UserService. A
 * password in the file is set only when it does not verify against the stored argon2id
 * hash (UserService.setPasswordTrusted), so re-applying the same file leaves the hash and
 * the user's sessions as they are. Disabling revokes the user's tokens and ends its
 * sessions, a new password ends its sessions, as on every other path.
 * Usernames are case-insensitive: a stored user whose username differs from the file's
 * only in case is another account, a conflict, never updated or renamed.
 */
export async function provisionUser(scope: ProvisioningScope, tenant: Tenant, planned: PlannedUser): Promise<void> {
  const { services, report } = scope;
  const wanted = { ...planned.profile, enabled: planned.enabled };
  const user = await services.users.findByUsernameTrusted(tenant.id, planned.username);
  if (user && user.username !== planned.username) {
    throw new ProvisioningError(
      [
        `${planned.at}.username: user ${planned.username} differs only in case from the existing user ${user.username} of ${tenant.path} (usernames are case-insensitive)`,
      ],
      'conflict',
    );
  }
  if (!user) {
    if (planned.password === null) {
      throw new ProvisioningError([`${planned.at}.password: required to create a user (use a \${VARIABLE} reference)`]);
    }
    const password = planned.password;
    const created = await atEntry(planned.at, 'username', () =>
      services.users.insert(tenant.path, { username: planned.username, password, ...planned.profile }, { enabled: planned.enabled }),
    );
    await provisionRoleAssignments(scope, tenant, planned.at, { user: created }, planned.roles);
    report.users.created++;
    return;
  }
  const passwordChanged =
    planned.password !== null && (await atEntry(planned.at, 'password', () => services.users.setPasswordTrusted(user, planned.password!)));
  const changed = differs(user, wanted);
  const current = changed ? await atEntry(planned.at, 'username', () => services.users.updateTrusted(user.id, wanted)) : user;
  const rolesChanged = await provisionRoleAssignments(scope, tenant, planned.at, { user: current }, planned.roles);
  report.users[changed || passwordChanged || rolesChanged ? 'updated' : 'unchanged']++;
}
