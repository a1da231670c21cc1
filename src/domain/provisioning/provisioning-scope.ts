import type { ApiService } from '../apis/api.service';
import type { ClientService } from '../clients/client.service';
import { isDomainError } from '../errors';
import type { RoleService } from '../roles/role.service';
import type { TenantService } from '../tenants/tenant.service';
import type { Transactions } from '../transactions';
import type { UserService } from '../users/user.service';
import type { IdentityProviderService } from '../federation/identity-provider.service';
import { ProvisioningError } from './provisioning-error';
import type { ProvisioningReport } from './provisioning-plan';

/**
 * The domain operations a plan is applied through: the same services, and the same rules,
 * as GraphQL, in their trusted form (no actor: the file is the operator's).
 */
export interface ProvisioningServices {
  readonly transactions: Transactions;
  readonly tenants: Pick<TenantService, 'findByPath' | 'insert' | 'updateTrusted'>;
  readonly clients: Pick<ClientService, 'inspect' | 'insert' | 'updateTrusted' | 'setSecretTrusted'>;
  readonly users: Pick<UserService, 'findByUsernameTrusted' | 'insert' | 'updateTrusted' | 'setPasswordTrusted'>;
  readonly apis: Pick<ApiService, 'listTrusted' | 'insert' | 'updateTrusted'>;
  readonly roles: Pick<RoleService, 'listTrusted' | 'insert' | 'updateTrusted' | 'ofUser' | 'ofClient' | 'setAssignmentTrusted'>;
  readonly identityProviders: Pick<IdentityProviderService, 'listTrusted' | 'insert' | 'updateTrusted'>;
}

/** One application of a plan: the services it goes through and what it did so far. */
export interface ProvisioningScope {
  readonly services: ProvisioningServices;
  readonly report: ProvisioningReport;
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
