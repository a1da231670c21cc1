import type { Tenant } from '../tenants/tenant';
import { parentTenantPath } from '../tenants/tenant-path';
import { ProvisioningError } from './provisioning-error';
import { emptyReport, parentsFirst, type PlannedTenant, type ProvisioningPlan, type ProvisioningReport } from './provisioning-plan';
import { provisionApi, provisionRole } from './provision-access';
import { provisionClient } from './provision-client';
import { provisionUser } from './provision-user';
import { provisionIdentityProvider } from './provision-identity-provider';
import { atEntry, differs, type ProvisioningScope, type ProvisioningServices } from './provisioning-scope';

/**
 * Applies a validated plan in ONE transaction through the domain's own operations
 * (TenantService, ApiService, RoleService, ClientService, UserService, as GraphQL does, without
 * an actor): every tenant, API, role, client and user it names is created or brought to the
 * planned state, matched on its natural key (tenant path, API identifier and role name within
 * its tenant, client_id, username within its tenant), role assignments included, under the same
 * rules as every other path: disabling a client or a user revokes its tokens, a new
 * password ends the user's browser sessions. Nothing is deleted. Any failure rolls
 * everything back. What the services publish to the change bus reaches every instance
 * after the commit (transaction-aware-bus.ts).
 * @throws ProvisioningError (or another DomainError) naming the entry at fault; nothing was written.
 */
export async function applyProvisioning(services: ProvisioningServices, plan: ProvisioningPlan): Promise<ProvisioningReport> {
  return services.transactions.run(async () => {
    const scope: ProvisioningScope = { services, report: emptyReport() };
    for (const tenant of parentsFirst(plan.tenants)) await provisionTenant(scope, tenant);
    return scope.report;
  });
}

async function provisionTenant(scope: ProvisioningScope, planned: PlannedTenant): Promise<void> {
  const { services, report } = scope;
  const wanted = {
    name: planned.name,
    signingAlgorithm: planned.signingAlgorithm,
    allowSelfSignup: planned.allowSelfSignup,
    allowOpenClientRegistration: planned.allowOpenClientRegistration,
    requirePushedAuthorizationRequests: planned.requirePushedAuthorizationRequests,
    securityProfile: planned.securityProfile,
    mfaPolicy: planned.mfaPolicy,
    mfaRequiredRoles: planned.mfaRequiredRoles,
    refreshReuseGraceSeconds: planned.refreshReuseGraceSeconds,
    keyRotationDays: planned.keyRotationDays,
    keyPublicationSeconds: planned.keyPublicationSeconds,
  };
  let tenant: Tenant | null = await services.tenants.findByPath(planned.path);
  if (!tenant) {
    const parentPath = parentTenantPath(planned.path);
    const parent = parentPath === null ? null : await services.tenants.findByPath(parentPath);
    if (parentPath !== null && !parent) {
      throw new ProvisioningError(
        [`${planned.at}.path: parent tenant ${parentPath} does not exist (add it to the file or create it first)`],
        'not_found',
      );
    }
    tenant = await atEntry(planned.at, 'path', () =>
      services.tenants.insert({ path: planned.path, parentId: parent?.id ?? null, ...wanted }),
    );
    report.tenants.created++;
  } else if (differs(tenant, wanted)) {
    tenant = await atEntry(planned.at, 'path', () => services.tenants.updateTrusted(planned.path, wanted));
    report.tenants.updated++;
  } else {
    report.tenants.unchanged++;
  }
  // APIs before the roles that grant their permissions, roles before the users and clients that hold them.
  for (const api of planned.apis) await provisionApi(scope, tenant, api);
  for (const role of planned.roles) await provisionRole(scope, tenant, role);
  for (const client of planned.clients) await provisionClient(scope, tenant, client);
  for (const user of planned.users) await provisionUser(scope, tenant, user);
  for (const provider of planned.identityProviders) await provisionIdentityProvider(scope, tenant, provider);
}
