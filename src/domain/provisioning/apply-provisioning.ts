import { mapUniqueViolation } from '../db-errors';
import type { DomainDeps } from '../deps';
import type { UserService } from '../users/user.service';
import { parentTenantPath } from '../tenants/tenant-path';
import { ProvisioningError } from './provisioning-error';
import { emptyReport, parentsFirst, type PlannedTenant, type ProvisioningPlan, type ProvisioningReport } from './provisioning-plan';
import { provisionClient } from './provision-client';
import { provisionUser } from './provision-user';
import { differs, type ProvisioningScope } from './provisioning-scope';

/**
 * Applies a validated plan in ONE database transaction: every tenant, client
 * and user it names is created or brought to the planned state, matched on its
 * natural key (tenant path, client_id, username within its tenant). Nothing is
 * deleted. Any failure rolls everything back. Cache changes are published to
 * every instance after the commit; then users given a new password or
 * disabled lose their browser sessions (and, disabled, their tokens) through
 * `users`, as on every other path.
 * @throws ProvisioningError (or a `conflict` DomainError) naming the entry at fault; nothing was written.
 */
export async function applyProvisioning(deps: DomainDeps, plan: ProvisioningPlan, users: Pick<UserService, 'passwordReplaced' | 'disabled'>): Promise<ProvisioningReport> {
  const scope = await deps.stores.provisioning.transaction(async (tx) => {
    const inner: ProvisioningScope = { tx, deps, report: emptyReport(), changes: [], endAccess: [] };
    for (const tenant of parentsFirst(plan.tenants)) await provisionTenant(inner, tenant);
    return inner;
  });
  for (const event of scope.changes) await deps.bus.publish(event);
  for (const { user, reason } of scope.endAccess) await (reason === 'disabled' ? users.disabled(user) : users.passwordReplaced(user));
  return scope.report;
}

async function provisionTenant(scope: ProvisioningScope, planned: PlannedTenant): Promise<void> {
  const { tx, report } = scope;
  const unchangedBefore = report.tenants.unchanged;
  let entity = await tx.tenantByPath(planned.path);
  const wanted = { name: planned.name, signingAlgorithm: planned.signingAlgorithm, allowSelfSignup: planned.allowSelfSignup };
  if (!entity) {
    const parentPath = parentTenantPath(planned.path);
    const parent = parentPath === null ? null : await tx.tenantByPath(parentPath);
    if (parentPath !== null && !parent) {
      throw new ProvisioningError([`${planned.at}.path: parent tenant ${parentPath} does not exist (add it to the file or create it first)`], 'not_found');
    }
    entity = tx.addTenant({ path: planned.path, parentId: parent?.id ?? null, ...wanted });
    report.tenants.created++;
  } else if (differs(entity, wanted)) {
    Object.assign(entity, wanted);
    report.tenants.updated++;
  } else {
    report.tenants.unchanged++;
  }
  if (report.tenants.unchanged === unchangedBefore) scope.changes.push({ topic: 'tenant', kind: 'updated', key: entity.id });
  await mapUniqueViolation(() => tx.flush(), `${planned.at}.path: tenant ${planned.path} was created concurrently; nothing was applied`);
  for (const client of planned.clients) await provisionClient(scope, entity, client);
  for (const user of planned.users) await provisionUser(scope, entity, user);
}
