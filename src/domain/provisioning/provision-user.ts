import type { TenantEntity } from '../../entities/tenant.entity';
import { mapUniqueViolation } from '../db-errors';
import { hashPassword, verifyPassword } from '../users/password-hasher';
import { differs, type ProvisioningScope } from './provisioning-scope';
import { ProvisioningError } from './provisioning-error';
import type { PlannedUser } from './provisioning-plan';

/**
 * Creates the user or brings its profile to the planned state. A password in
 * the file is re-hashed only when it does not verify against the stored
 * argon2id hash, so re-applying the same file leaves the hash as it is.
 * Usernames are case-insensitive: a stored user whose username differs from the
 * file's only in case is another account, a conflict, never updated or renamed.
 */
export async function provisionUser(scope: ProvisioningScope, tenant: TenantEntity, planned: PlannedUser): Promise<void> {
  const { tx, report } = scope;
  const wanted = { ...planned.profile, enabled: planned.enabled };
  const entity = await tx.userByName(tenant.id, planned.username);
  if (entity && entity.username !== planned.username) {
    throw new ProvisioningError([`${planned.at}.username: user ${planned.username} differs only in case from the existing user ${entity.username} of ${tenant.path} (usernames are case-insensitive)`], 'conflict');
  }
  if (!entity) {
    if (planned.password === null) {
      throw new ProvisioningError([`${planned.at}.password: required to create a user (use a \${VARIABLE} reference)`]);
    }
    tx.addUser({ tenantId: tenant.id, username: planned.username, passwordHash: await hashPassword(planned.password), ...wanted });
    report.users.created++;
  } else {
    const passwordChanged = planned.password !== null && !(await verifyPassword(entity.passwordHash, planned.password));
    if (passwordChanged) entity.passwordHash = await hashPassword(planned.password!);
    if (differs(entity, wanted) || passwordChanged) {
      const user = { id: entity.id, tenantId: entity.tenantId };
      // Disabling ends the user's access (which also ends its sessions); otherwise a new password ends its sessions.
      if (entity.enabled && !wanted.enabled) scope.endAccess.push({ user, reason: 'disabled' });
      else if (passwordChanged) scope.endAccess.push({ user, reason: 'password' });
      Object.assign(entity, wanted);
      report.users.updated++;
      scope.changes.push({ topic: 'user', kind: 'updated', key: entity.id });
    } else {
      report.users.unchanged++;
    }
  }
  await mapUniqueViolation(() => tx.flush(), `${planned.at}.username: user ${planned.username} was created concurrently; nothing was applied`);
}
