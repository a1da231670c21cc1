import { defaults } from '../../config/defaults';
import { assertInScope, notFoundInScope, requireAdmin, resolveInScope, tenantPathInScope, type Actor } from '../actor';
import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import type { ChangeBus } from '../changes/change-bus';
import { TtlCache } from '../cache/ttl-cache';
import { refuseUniqueViolation } from '../db-errors';
import { quoted } from '../error-description';
import { ensure } from '../errors';
import { isUuid } from '../ids';
import { normalizeTenantPath } from '../tenants/tenant-path';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { Transactions } from '../transactions';
import type { Api } from './api';
import type { ApiChanges, ApiStore } from './api-store';
import {
  invalidTarget,
  isResourceIndicator,
  validateApiName,
  validateIdentifier,
  validateLifetime,
  validatePermissions,
} from './validate-api';

interface ApiPermissionInput {
  name: string;
  description?: string | null;
}

export interface CreateApiInput {
  tenantPath: string;
  identifier: string;
  name: string;
  permissions?: ApiPermissionInput[] | null;
  accessTokenLifetime?: number | null;
  acceptsChildTenants?: boolean | null;
  /** Makes this API the tenant's default (the one before it stops being the default). */
  isDefault?: boolean | null;
}

export interface UpdateApiInput {
  identifier?: string | null;
  name?: string | null;
  permissions?: ApiPermissionInput[] | null;
  accessTokenLifetime?: number | null;
  acceptsChildTenants?: boolean | null;
  isDefault?: boolean | null;
}

/** The lookup of the APIs a tenant's token requests may name (TokenTargets, RoleService). */
export interface ApiDirectory {
  /** The API `identifier` as seen from `tenant`: its own, else an ancestor's that accepts child tenants; null otherwise. */
  findVisible(tenant: Tenant, identifier: string): MaybePromise<Api | null>;
  /** The tenant's own default API, or null. */
  defaultApi(tenant: Tenant): MaybePromise<Api | null>;
}

/**
 * APIs (resource servers) of a tenant: admin management, and the cached lookup the
 * token path resolves RFC 8707 `resource` values with. A tenant's API list is
 * cached per tenant and dropped on every process over the change bus (topic `api`,
 * key the tenant id) when anything about it changes, so a warm token request for
 * an API reads nothing from the database.
 */
export class ApiService implements ApiDirectory {
  private readonly byTenant: TtlCache<readonly Api[]>;

  constructor(
    private readonly bus: ChangeBus,
    private readonly apis: ApiStore,
    private readonly transactions: Transactions,
    private readonly tenants: TenantService,
  ) {
    this.byTenant = new TtlCache({ ttlMs: defaults.cacheTtlMs, maxEntries: 100_000, trusted: () => bus.live });
    bus.onResync(() => this.byTenant.clear());
    bus.subscribe((event) => {
      if (event.topic === 'api') this.byTenant.invalidate(event.key);
      // A deleted tenant takes its APIs with it.
      if (event.topic === 'tenant') this.byTenant.clear();
    });
  }

  /** A tenant's own APIs (cached; a hit answers at once). */
  ofTenant(tenantId: string): MaybePromise<readonly Api[]> {
    return this.byTenant.get(tenantId, async () => Object.freeze(await this.apis.listByTenant(tenantId)));
  }

  findVisible(tenant: Tenant, identifier: string): MaybePromise<Api | null> {
    if (!isResourceIndicator(identifier)) return null;
    return this.findFrom(tenant, identifier, true);
  }

  private findFrom(tenant: Tenant, identifier: string, own: boolean): MaybePromise<Api | null> {
    return mapMaybePromise(this.ofTenant(tenant.id), (apis) => {
      const found = apis.find((api) => api.identifier === identifier && (own || api.acceptsChildTenants));
      if (found || tenant.parentId === null) return found ?? null;
      return mapMaybePromise(this.tenants.findById(tenant.parentId), (parent) =>
        parent ? this.findFrom(parent, identifier, false) : null,
      );
    });
  }

  defaultApi(tenant: Tenant): MaybePromise<Api | null> {
    return mapMaybePromise(this.ofTenant(tenant.id), (apis) => apis.find((api) => api.isDefault) ?? null);
  }

  /**
   * RFC 8707 §2: the APIs `resources` name, as seen from the client's tenant, or
   * `invalid_target` for a malformed, unknown or foreign one.
   */
  resolve(tenant: Tenant, resources: readonly string[]): MaybePromise<Api[]> {
    return this.resolveFrom(tenant, resources, 0, []);
  }

  /** One resource after the other, answering at once while every lookup is a cache hit (the warm token path). */
  private resolveFrom(tenant: Tenant, resources: readonly string[], index: number, found: Api[]): MaybePromise<Api[]> {
    if (index === resources.length) return found;
    const resource = resources[index]!;
    // No syntax check needed: identifiers were validated when stored, so a malformed value is simply not found.
    return mapMaybePromise(this.findFrom(tenant, resource, true), (api) => {
      ensure(api, () => invalidTarget(`resource ${quoted(resource, 200)} is not an API this client may use`));
      found.push(api);
      return this.resolveFrom(tenant, resources, index + 1, found);
    });
  }

  /** An API of the actor's subtree; `not_found` alike for one that does not exist and one outside. */
  async get(actor: Actor, id: string): Promise<Api> {
    return resolveInScope(actor, this.tenants, 'api', id, () => (isUuid(id) ? this.apis.findById(id) : null));
  }

  /** A tenant's APIs (the actor's subtree only), in identifier order. */
  async list(actor: Actor, tenantPath: string | null | undefined): Promise<readonly Api[]> {
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    return this.apis.listByTenant(tenant.id);
  }

  async create(actor: Actor, input: CreateApiInput): Promise<Api> {
    const path = tenantPathInScope(actor, normalizeTenantPath(input.tenantPath, 'tenantPath'));
    return this.insert(path, input);
  }

  /** {@link create} without an actor check, for trusted callers (provisioning): the same rules. */
  async insert(tenantPath: string, input: Omit<CreateApiInput, 'tenantPath'>): Promise<Api> {
    const tenant = await this.tenants.require(tenantPath);
    const identifier = validateIdentifier(input.identifier);
    const api = {
      tenantId: tenant.id,
      identifier,
      name: validateApiName(input.name),
      permissions: validatePermissions(input.permissions ?? []),
      accessTokenLifetime: validateLifetime(input.accessTokenLifetime ?? defaults.accessTokenLifetimeSeconds),
      acceptsChildTenants: input.acceptsChildTenants === true,
      isDefault: input.isDefault === true,
    };
    const created = await refuseUniqueViolation(
      () =>
        this.transactions.run(async () => {
          if (api.isDefault) await this.apis.clearDefault(tenant.id);
          return this.apis.insert(api);
        }),
      'identifier',
      `${identifier} is already an API of ${tenant.path}`,
    );
    await this.changed(tenant.id, 'created');
    return created;
  }

  /** Changes an API; a replaced permission list drops removed permissions from every role at once. */
  async update(actor: Actor, id: string, input: UpdateApiInput): Promise<Api> {
    requireAdmin(actor);
    return this.change(id, input, (current) => assertInScope(actor, this.tenants, current.tenantId, 'api', id));
  }

  /** {@link update} without an actor check, for trusted callers (provisioning): the same rules. */
  async updateTrusted(id: string, input: UpdateApiInput): Promise<Api> {
    return this.change(id, input, async () => undefined);
  }

  /** A tenant's APIs read from the store, never the cache (inside a transaction it sees the transaction's own writes). Trusted. */
  async listTrusted(tenantId: string): Promise<Api[]> {
    return this.apis.listByTenant(tenantId);
  }

  private async change(id: string, input: UpdateApiInput, check: (current: Api) => Promise<void>): Promise<Api> {
    const changes: ApiChanges = {};
    if (input.identifier != null) changes.identifier = validateIdentifier(input.identifier);
    if (input.name != null) changes.name = validateApiName(input.name);
    if (input.permissions != null) changes.permissions = validatePermissions(input.permissions);
    if (input.accessTokenLifetime != null) changes.accessTokenLifetime = validateLifetime(input.accessTokenLifetime);
    if (input.acceptsChildTenants != null) changes.acceptsChildTenants = input.acceptsChildTenants;
    if (input.isDefault != null) changes.isDefault = input.isDefault;
    const updated = await refuseUniqueViolation(
      () =>
        this.transactions.run(async () => {
          const current = isUuid(id) ? await this.apis.findById(id) : null;
          ensure(current, () => notFoundInScope('api', id));
          await check(current);
          if (changes.isDefault) await this.apis.clearDefault(current.tenantId);
          return this.apis.update(id, changes);
        }),
      'identifier',
      `${changes.identifier ?? ''} is already an API of this tenant`,
    );
    ensure(updated, () => notFoundInScope('api', id));
    await this.changed(updated.tenantId, 'updated');
    return updated;
  }

  /** Deletes an API; its permissions leave every role. Tokens already issued for it stay valid until they expire. */
  async delete(actor: Actor, id: string): Promise<Api> {
    const api = await this.get(actor, id);
    await this.apis.delete(api.id);
    await this.changed(api.tenantId, 'deleted');
    return api;
  }

  /** Every process drops the tenant's API list, and every role cache (a permission may have left roles). */
  private async changed(tenantId: string, kind: 'created' | 'updated' | 'deleted'): Promise<void> {
    await this.bus.publish({ topic: 'api', kind, key: tenantId });
    if (kind !== 'created') await this.bus.publish({ topic: 'role', kind: 'updated', key: '*' });
  }
}
