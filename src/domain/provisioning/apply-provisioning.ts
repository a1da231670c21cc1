import { parentTenantPath } from '../tenants/tenant-path';
import { ProvisioningError } from './provisioning-error';
import { emptyReport, parentsFirst, type PlannedTenant, type ProvisioningPlan } from './provisioning-plan';
import { provisionApi, provisionRole } from './provision-access';
import { createClients, provisionClient, WRITE_CHUNK } from './provision-client';
import { provisionUser } from './provision-user';
import { provisionIdentityProvider } from './provision-identity-provider';
import {
  atEntry,
  differs,
  readExisting,
  type ProvisioningOutcome,
  type ProvisioningScope,
  type ProvisioningServices,
} from './provisioning-scope';

/**
 * Applies a validated plan in ONE transaction through the domain's own operations, set-based:
 * one read of every tenant and client the plan names (by path and client_id lists), a diff in
 * memory, new tenants and clients validated entry by entry and written in multi-row inserts
 * (one change event per batch), so 10,000 tenants cost a handful of round trips, not 10,000;
 * entries that are as planned cost none (a file applied again writes nothing). New tenants
 * get their signing keys after the commit (KeyService.keyTenantsWithoutKey) or at their first
 * signing need. APIs, roles, users, identity providers and changed entries go entry by entry
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
export async function applyProvisioning(
  services: ProvisioningServices,
  plan: ProvisioningPlan,
  options: ApplyOptions = {},
): Promise<ProvisioningOutcome> {
  return services.transactions.run(async () => {
    // One set-based read of every tenant and client the file names; existing entries need no query of their own.
    const scope: ProvisioningScope = {
      services,
      report: emptyReport(),
      existing: await readExisting(services, plan),
      newClients: [],
      generateMissingSecrets: options.generateMissingSecrets ?? false,
      generatedSecrets: [],
    };
    const ordered = parentsFirst(plan.tenants);
    const created = await createTenants(scope, ordered);
    for (const tenant of ordered) await provisionTenant(scope, tenant, created.has(tenant.path));
    await createClients(scope);
    return { report: scope.report, generatedSecrets: scope.generatedSecrets };
  });
}

export interface ApplyOptions {
  /**
   * A new confidential client without `clientSecret` gets one the server generates, returned once in
   * the outcome (the admin API: its caller shows it), instead of being refused (PROVISION_FILE: a log
   * is no place for a secret).
   */
  generateMissingSecrets?: boolean;
}

/**
 * Creates the plan's new tenants, one depth level after another (a parent before its children),
 * each level validated entry by entry and stored in multi-row inserts through TenantService.
 */
async function createTenants(scope: ProvisioningScope, ordered: readonly PlannedTenant[]): Promise<Set<string>> {
  const { services, report, existing } = scope;
  const fresh = ordered.filter((planned) => !existing.tenants.has(planned.path));
  for (const level of byDepth(fresh)) {
    for (let i = 0; i < level.length; i += WRITE_CHUNK) {
      const chunk = level.slice(i, i + WRITE_CHUNK);
      const records = [];
      for (const planned of chunk) {
        const parentPath = parentTenantPath(planned.path);
        const parent = parentPath === null ? null : (existing.tenants.get(parentPath) ?? null);
        if (parentPath !== null && !parent) {
          throw new ProvisioningError(
            [`${planned.at}.path: parent tenant ${parentPath} does not exist (add it to the file or create it first)`],
            'not_found',
          );
        }
        records.push(
          await atEntry(planned.at, 'path', async () =>
            services.tenants.prepareInsert({ path: planned.path, parentId: parent?.id ?? null, ...wantedTenant(planned) }),
          ),
        );
      }
      for (const tenant of await services.tenants.insertPrepared(records)) existing.tenants.set(tenant.path, tenant);
      report.tenants.created += chunk.length;
    }
  }
  return new Set(fresh.map((planned) => planned.path));
}

/** Tenants grouped by depth, shallowest first (each group in file order). */
function byDepth(tenants: readonly PlannedTenant[]): PlannedTenant[][] {
  const levels = new Map<number, PlannedTenant[]>();
  for (const tenant of tenants) {
    const depth = tenant.path === '/' ? 0 : tenant.path.split('/').length - 1;
    levels.set(depth, [...(levels.get(depth) ?? []), tenant]);
  }
  return [...levels.entries()].sort(([a], [b]) => a - b).map(([, level]) => level);
}

const wantedTenant = (planned: PlannedTenant) => ({
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
});

/** Brings an existing tenant to the planned state (one `createTenants` just made is as planned), then its entries. */
async function provisionTenant(scope: ProvisioningScope, planned: PlannedTenant, created: boolean): Promise<void> {
  const { services, report } = scope;
  const wanted = wantedTenant(planned);
  let tenant = scope.existing.tenants.get(planned.path)!;
  if (created) {
    // Nothing to do here: counted by createTenants.
  } else if (differs(tenant, wanted)) {
    tenant = await atEntry(planned.at, 'path', () => services.tenants.updateTrusted(planned.path, wanted));
    scope.existing.tenants.set(planned.path, tenant);
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
