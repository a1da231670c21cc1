import type { PlannedApi, PlannedRole, ProvisioningReport } from '../domain/provisioning/provisioning-plan';
import { differs, samePermissions } from '../domain/provisioning/provisioning-scope';
import type { AdminSdk } from '../sdk/client';
import { CliError, EXIT } from './cli-error';

/** An API of the file through the admin API, matched on its identifier within the tenant (read again per entry: an earlier one may have taken the default). */
export async function applyApi(sdk: AdminSdk, tenantPath: string, planned: PlannedApi, report: ProvisioningReport): Promise<void> {
  const { at: _at, identifier, ...wanted } = planned;
  const existing = (await sdk.apis({ tenantPath })).apis.find((api) => api.identifier === identifier && api.tenantPath === tenantPath);
  if (!existing) {
    await sdk.createApi({ input: { tenantPath, identifier, ...wanted } });
    report.apis.created++;
  } else if (differs(existing, wanted)) {
    await sdk.updateApi({ id: existing.id, input: wanted });
    report.apis.updated++;
  } else report.apis.unchanged++;
}

/** A role of the file through the admin API, matched on its name within the tenant. */
export async function applyRole(sdk: AdminSdk, tenantPath: string, planned: PlannedRole, report: ProvisioningReport): Promise<void> {
  const { name, description, permissions } = planned;
  const existing = (await sdk.roles({ tenantPath })).roles.find((role) => role.name === name && !role.builtIn);
  if (!existing) {
    await sdk.createRole({ input: { tenantPath, name, description, permissions } });
    report.roles.created++;
  } else if (existing.description !== description || !samePermissions(existing.permissions, permissions)) {
    await sdk.updateRole({ id: existing.id, input: { description, permissions } });
    report.roles.updated++;
  } else report.roles.unchanged++;
}

/**
 * Gives a user (by id) or a client (by client_id) exactly the roles `wanted` names, as
 * PROVISION_FILE does; null leaves them. Returns whether anything changed.
 */
export async function applyRoleAssignments(
  sdk: AdminSdk,
  tenantPath: string,
  subject: { userId: string } | { clientId: string },
  wanted: readonly string[] | null,
): Promise<boolean> {
  if (wanted === null) return false;
  const current =
    'userId' in subject
      ? (await sdk.userRoles({ id: subject.userId })).user.roles
      : (await sdk.clientRoles({ clientId: subject.clientId })).client.roles;
  const held = new Set(current.map((role) => role.name));
  const missing = wanted.map((name, index) => ({ name, index })).filter(({ name }) => !held.has(name));
  const extra = current.filter((role) => !wanted.includes(role.name));
  if (missing.length === 0 && extra.length === 0) return false;
  const ofTenant = new Map((await sdk.roles({ tenantPath })).roles.map((role) => [role.name, role.id]));
  for (const { name, index } of missing) {
    const roleId = ofTenant.get(name);
    if (!roleId) throw new CliError(EXIT.api, `roles[${index}]: role ${name} does not exist in ${tenantPath}`, 'NOT_FOUND');
    await sdk.assignRole({ roleId, ...subject });
  }
  for (const role of extra) await sdk.unassignRole({ roleId: role.id, ...subject });
  return true;
}
