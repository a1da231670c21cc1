import type { ApiService } from '../apis/api.service';
import type { ClientService } from '../clients/client.service';
import { isDomainError } from '../errors';
import type { RoleService } from '../roles/role.service';
import type { TenantService } from '../tenants/tenant.service';
import type { Transactions } from '../transactions';
import type { UserService } from '../users/user.service';
import type { IdentityProviderService } from '../federation/identity-provider.service';
import { ProvisioningError } from './provisioning-error';
import type { PlannedClient, ProvisioningPlan, ProvisioningReport } from './provisioning-plan';
import type { InspectedClient, PreparedClient } from '../clients/client.service';
import type { Tenant } from '../tenants/tenant';
import { parentTenantPath } from '../tenants/tenant-path';

/**
 * The domain operations a plan is applied through: the same services, and the same rules,
 * as GraphQL, in their trusted form (no actor: the file is the operator's).
 */
export interface ProvisioningServices {
  readonly transactions: Transactions;
  readonly tenants: Pick<TenantService, 'findManyByPaths' | 'prepareInsert' | 'insertPrepared' | 'updateTrusted'>;
  readonly clients: Pick<ClientService, 'inspectMany' | 'prepareInsert' | 'insertPrepared' | 'updateTrusted' | 'setSecretTrusted'>;
  readonly users: Pick<UserService, 'findByUsernameTrusted' | 'insert' | 'updateTrusted' | 'setPasswordTrusted'>;
  readonly apis: Pick<ApiService, 'listTrusted' | 'insert' | 'updateTrusted'>;
  readonly roles: Pick<RoleService, 'listTrusted' | 'insert' | 'updateTrusted' | 'ofUser' | 'ofClient' | 'setAssignmentTrusted'>;
  readonly identityProviders: Pick<IdentityProviderService, 'listTrusted' | 'insert' | 'updateTrusted'>;
}

/** One application of a plan: the services it goes through and what it did so far. */
export interface ProvisioningScope {
  readonly services: ProvisioningServices;
  readonly report: ProvisioningReport;
  /** New clients validated under their entries' names, stored together once every tenant's entries are through. */
  readonly newClients: { tenant: Tenant; planned: PlannedClient; prepared: PreparedClient }[];
  /** What the plan's tenants and clients were when the transaction began, read set-based (see {@link readExisting}). */
  readonly existing: ExistingEntries;
  /** Whether a new confidential client without a secret gets one generated (shown once) instead of being refused. */
  readonly generateMissingSecrets: boolean;
  /** The secrets generated so (see {@link ProvisioningOutcome}). */
  readonly generatedSecrets: GeneratedSecret[];
}

/** A secret the server chose for a client the plan created without one; shown once, only its digest is stored. */
interface GeneratedSecret {
  clientId: string;
  clientSecret: string;
}

/** What an apply did (counts per kind) and the secrets it generated. */
export interface ProvisioningOutcome {
  report: ProvisioningReport;
  generatedSecrets: GeneratedSecret[];
}

/**
 * The stored tenants (by path: the plan's and their parents') and clients (by client_id) a plan
 * names, read at the start of its transaction in a few set-based reads, so that entries that
 * exist, above all unchanged ones, cost no query of their own (the file names each path and
 * client_id once: the parser refuses duplicates). Tenants the apply creates or changes are put back.
 */
export interface ExistingEntries {
  readonly tenants: Map<string, Tenant>;
  readonly clients: Map<string, InspectedClient>;
}

/** Reads what {@link ExistingEntries} holds for `plan`: one read of its tenant paths, one of its client ids (per chunk). */
export async function readExisting(services: ProvisioningServices, plan: ProvisioningPlan): Promise<ExistingEntries> {
  const paths = new Set<string>();
  for (const tenant of plan.tenants) {
    paths.add(tenant.path);
    const parent = parentTenantPath(tenant.path);
    if (parent !== null) paths.add(parent);
  }
  const clients = plan.tenants.flatMap((tenant) => tenant.clients.map((c) => ({ clientId: c.clientId, secret: c.clientSecret })));
  return {
    tenants: await services.tenants.findManyByPaths([...paths]),
    clients: await services.clients.inspectMany(clients),
  };
}

/** True when any field of `wanted` differs from `current` (arrays compared by value, in order). */
export function differs(current: object, wanted: object): boolean {
  const now = current as Record<string, unknown>;
  return Object.entries(wanted).some(([key, value]) => JSON.stringify(now[key]) !== JSON.stringify(value));
}

const permissionKey = ({ api, permission }: { api: string; permission: string }): string => `${api} ${permission}`;

/** True when two lists of role permissions hold the same (API identifier, permission) pairs, in any order. */
export function samePermissions(
  current: readonly { api: string; permission: string }[],
  wanted: readonly { api: string; permission: string }[],
): boolean {
  const a = new Set(current.map(permissionKey));
  const b = new Set(wanted.map(permissionKey));
  return a.size === b.size && [...a].every((key) => b.has(key));
}

/**
 * Runs one entry's service call; a domain error it raises (a taken id, a rule of the service)
 * becomes a {@link ProvisioningError} naming the entry: `tenants[1].clients[0].clientId: …`.
 */
export async function atEntry<T>(at: string, field: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!isDomainError(error) || error instanceof ProvisioningError) throw error;
    const name = error.field ?? field;
    const message = error.description.startsWith(`${name}: `) ? error.description.slice(name.length + 2) : error.description;
    throw new ProvisioningError([`${at}.${name}: ${message}`], error.code);
  }
}
