import type { Client } from '../clients/client';
import { ADMIN_ROLE, builtInAdmin, type Role } from '../roles/role';
import type { Tenant } from '../tenants/tenant';
import type { User } from '../users/user';
import { ProvisioningError } from './provisioning-error';
import type { PlannedApi, PlannedRole } from './provisioning-plan';
import { atEntry, differs, samePermissions, type ProvisioningScope } from './provisioning-scope';

/**
 * Creates the API or brings it to the planned state through ApiService, matched on its
 * identifier within the tenant. A replaced permission list drops the permissions it no
 * longer has from every role; making it the default clears the tenant's previous default.
 */
export async function provisionApi(scope: ProvisioningScope, tenant: Tenant, planned: PlannedApi): Promise<void> {
  const { services, report } = scope;
  const { at, identifier, ...wanted } = planned;
  // Read again for every entry: an earlier one may have taken the default from this one.
  const api = (await services.apis.listTrusted(tenant.id)).find((a) => a.identifier === identifier);
  if (!api) {
    await atEntry(at, 'identifier', () => services.apis.insert(tenant.path, { identifier, ...wanted }));
    report.apis.created++;
  } else if (differs(api, wanted)) {
    await atEntry(at, 'identifier', () => services.apis.updateTrusted(api.id, wanted));
    report.apis.updated++;
  } else {
    report.apis.unchanged++;
  }
}

/**
 * Creates the role or brings its description and permissions to the planned state through
 * RoleService, matched on its name within the tenant. Each permission must be one its API
 * (of the tenant, or of an ancestor that accepts child tenants) declares, as on every path.
 */
export async function provisionRole(scope: ProvisioningScope, tenant: Tenant, planned: PlannedRole): Promise<void> {
  const { services, report } = scope;
  const { at, name, description, permissions } = planned;
  const role = (await services.roles.listTrusted(tenant.id)).find((r) => r.name === name);
  if (!role) {
    await atEntry(at, 'name', () => services.roles.insert(tenant.path, { name, description, permissions }));
    report.roles.created++;
  } else if (role.description !== description || !samePermissions(role.permissions, permissions)) {
    await atEntry(at, 'name', () => services.roles.updateTrusted(role.id, { description, permissions }));
    report.roles.updated++;
  } else {
    report.roles.unchanged++;
  }
}

/**
 * Gives a user or client exactly the roles `wanted` names (roles of its tenant; `admin` is a
 * user's admin flag): assigns the missing ones, takes away the others. Null leaves its roles as
 * they are. Returns whether anything changed.
 */
export async function provisionRoleAssignments(
  scope: ProvisioningScope,
  tenant: Tenant,
  at: string,
  subject: { user: User } | { client: Client },
  wanted: readonly string[] | null,
): Promise<boolean> {
  if (wanted === null) return false;
  const { roles } = scope.services;
  const current = 'user' in subject ? await roles.ofUser(subject.user) : await roles.ofClient(subject.client);
  const held = new Set(current.map((role) => role.name));
  const missing = wanted.map((name, index) => ({ name, index })).filter(({ name }) => !held.has(name));
  const extra = current.filter((role) => !wanted.includes(role.name));
  if (missing.length === 0 && extra.length === 0) return false;
  const ofTenant = new Map<string, Role>((await roles.listTrusted(tenant.id)).map((role) => [role.name, role]));
  ofTenant.set(ADMIN_ROLE, builtInAdmin(tenant.id));
  for (const { name, index } of missing) {
    const role = ofTenant.get(name);
    if (!role) {
      throw new ProvisioningError(
        [`${at}.roles[${index}]: role ${name} does not exist in ${tenant.path} (add it to the tenant's roles or create it first)`],
        'not_found',
      );
    }
    await atEntry(at, `roles[${index}]`, () => roles.setAssignmentTrusted(role, subject, true));
  }
  for (const role of extra) await atEntry(at, 'roles', () => roles.setAssignmentTrusted(role, subject, false));
  return true;
}
