import { defaults } from '../../config/defaults';
import { notFoundInScope, requireAdmin, resolveInScope, tenantPathInScope, type Actor } from '../actor';
import type { ApiDirectory } from '../apis/api.service';
import { validateText } from '../apis/validate-api';
import type { MaybePromise } from '../util/maybe-promise';
import type { ChangeBus } from '../changes/change-bus';
import { TtlCache } from '../cache/ttl-cache';
import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { refuseUniqueViolation } from '../db-errors';
import { ensure, errors } from '../errors';
import { isUuid } from '../ids';
import { normalizeTenantPath } from '../tenants/tenant-path';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { Transactions } from '../transactions';
import type { User } from '../users/user';
import type { UserService } from '../users/user.service';
import { ADMIN_ROLE, builtInAdmin, subjectKey, type Grants, type Role, type RoleSubject } from './role';
import type { RoleStore, StoredRolePermission } from './role-store';
import { validateRoleName } from './validate-role';

export interface RolePermissionInput {
  /** The API's identifier. */
  api: string;
  permission: string;
}

export interface CreateRoleInput {
  tenantPath: string;
  name: string;
  description?: string | null;
  permissions?: RolePermissionInput[] | null;
}

export interface UpdateRoleInput {
  name?: string | null;
  description?: string | null;
  permissions?: RolePermissionInput[] | null;
}

/** Whom to assign a role to: exactly one of a user id and a client's `client_id`. */
export interface RoleAssignee {
  userId?: string | null;
  clientId?: string | null;
}

const MAX_PERMISSIONS = 500;

/**
 * Roles of a tenant: named bundles of API permissions, assigned to users and
 * clients. What a subject's roles grant is cached per subject (users by id,
 * clients by their internal id) and dropped on every process over the change
 * bus (topic `role`: the subject's key on assignment, `*` when a role or an
 * API changes), so a new token sees every change at once and a warm
 * client_credentials request reads nothing.
 *
 * The built-in role `admin` is a user's admin flag (docs: "Roles"): it is
 * listed in a user's roles, and assigning or unassigning it sets the flag.
 */
export class RoleService {
  private readonly grantCache: TtlCache<Grants>;

  constructor(
    private readonly bus: ChangeBus,
    private readonly roles: RoleStore,
    private readonly transactions: Transactions,
    private readonly tenants: TenantService,
    private readonly apis: ApiDirectory,
    private readonly users: UserService,
    private readonly clients: ClientService,
  ) {
    this.grantCache = new TtlCache({ ttlMs: defaults.cacheTtlMs, maxEntries: 100_000, trusted: () => bus.live });
    bus.onResync(() => this.grantCache.clear());
    bus.subscribe((event) => {
      if (event.topic === 'role') {
        if (event.key === '*') this.grantCache.clear();
        else this.grantCache.invalidate(event.key);
      }
      if (event.topic === 'tenant') this.grantCache.clear();
    });
  }

  /** What the subject's roles grant (cached; a hit answers at once): permission names by API id. */
  grantsOf(subject: RoleSubject): MaybePromise<Grants> {
    return this.grantCache.get(subjectKey(subject), async () => {
      const grants = new Map<string, Set<string>>();
      for (const { apiId, permission } of await this.roles.grantsOf(subject)) {
        let set = grants.get(apiId);
        if (!set) grants.set(apiId, (set = new Set()));
        set.add(permission);
      }
      return grants;
    });
  }

  /** A role of the actor's subtree; `admin` is the built-in role of the actor's tenant. */
  async get(actor: Actor, id: string): Promise<Role> {
    if (id === ADMIN_ROLE) {
      requireAdmin(actor);
      return builtInAdmin(actor.tenantId);
    }
    return resolveInScope(actor, this.tenants, 'role', id, () => (isUuid(id) ? this.roles.findById(id) : null));
  }

  /** A tenant's roles (the actor's subtree only), by name; the built-in `admin` first. */
  async list(actor: Actor, tenantPath: string | null | undefined): Promise<Role[]> {
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    return [builtInAdmin(tenant.id), ...(await this.roles.listByTenant(tenant.id))];
  }

  /** A user's roles (the caller has resolved the user within its scope): `admin` when it holds the flag, then its assigned roles. */
  async ofUser(user: Pick<User, 'id' | 'admin' | 'tenantId'>): Promise<Role[]> {
    const assigned = await this.roles.rolesOf({ kind: 'user', id: user.id });
    return user.admin ? [builtInAdmin(user.tenantId), ...assigned] : assigned;
  }

  /** A client's assigned roles (the caller has resolved the client within its scope). */
  async ofClient(client: Pick<Client, 'id'>): Promise<Role[]> {
    return this.roles.rolesOf({ kind: 'client', id: client.id });
  }

  async create(actor: Actor, input: CreateRoleInput): Promise<Role> {
    const path = tenantPathInScope(actor, normalizeTenantPath(input.tenantPath, 'tenantPath'));
    return this.insert(path, input);
  }

  /** {@link create} without an actor check, for trusted callers (provisioning): the same rules. */
  async insert(tenantPath: string, input: Omit<CreateRoleInput, 'tenantPath'>): Promise<Role> {
    const tenant = await this.tenants.require(tenantPath);
    const name = validateRoleName(input.name);
    const description = validateText(input.description ?? '', 'description', 1000, false);
    const permissions = await this.resolvePermissions(tenant, input.permissions ?? []);
    const role = await refuseUniqueViolation(
      () =>
        this.transactions.run(async () => {
          const inserted = await this.roles.insert({ tenantId: tenant.id, name, description });
          await this.roles.setPermissions(inserted.id, permissions);
          return (await this.roles.findById(inserted.id))!;
        }),
      'name',
      `a role ${name} already exists in ${tenant.path}`,
    );
    return role;
  }

  /** Changes a role; new tokens of every subject holding it see the change at once. */
  async update(actor: Actor, id: string, input: UpdateRoleInput): Promise<Role> {
    ensure(id !== ADMIN_ROLE, () => errors.validation('id', 'the built-in role admin cannot be changed'));
    return this.change(await this.get(actor, id), input);
  }

  /** {@link update} without an actor check, for trusted callers (provisioning): the same rules. */
  async updateTrusted(id: string, input: UpdateRoleInput): Promise<Role> {
    const current = isUuid(id) ? await this.roles.findById(id) : null;
    ensure(current, () => notFoundInScope('role', id));
    return this.change(current, input);
  }

  /** A tenant's stored roles (without the built-in `admin`) read from the store, never a cache. Trusted. */
  async listTrusted(tenantId: string): Promise<Role[]> {
    return this.roles.listByTenant(tenantId);
  }

  private async change(current: Role, input: UpdateRoleInput): Promise<Role> {
    const id = current.id;
    const tenant = await this.tenants.findById(current.tenantId);
    ensure(tenant, () => notFoundInScope('role', id));
    const name = input.name != null ? validateRoleName(input.name) : undefined;
    const description = input.description != null ? validateText(input.description, 'description', 1000, false) : undefined;
    const permissions = input.permissions != null ? await this.resolvePermissions(tenant, input.permissions) : undefined;
    const role = await refuseUniqueViolation(
      () =>
        this.transactions.run(async () => {
          const updated = await this.roles.update(id, { name, description });
          ensure(updated, () => notFoundInScope('role', id));
          if (permissions) await this.roles.setPermissions(id, permissions);
          return (await this.roles.findById(id))!;
        }),
      'name',
      `a role ${name ?? ''} already exists in this tenant`,
    );
    await this.bus.publish({ topic: 'role', kind: 'updated', key: '*' });
    return role;
  }

  /** Deletes a role; it leaves every user and client holding it. */
  async delete(actor: Actor, id: string): Promise<Role> {
    ensure(id !== ADMIN_ROLE, () => errors.validation('id', 'the built-in role admin cannot be deleted'));
    const role = await this.get(actor, id);
    await this.roles.delete(role.id);
    await this.bus.publish({ topic: 'role', kind: 'deleted', key: '*' });
    return role;
  }

  /** {@link delete} without an actor check, for trusted callers (SCIM Groups): the same rules. */
  async deleteTrusted(role: Role): Promise<void> {
    ensure(!role.builtIn, () => errors.validation('id', 'the built-in role admin cannot be deleted'));
    await this.roles.delete(role.id);
    await this.bus.publish({ topic: 'role', kind: 'deleted', key: '*' });
  }

  /** Assigns a role of the actor's subtree to a user or client of the role's tenant; `admin` sets a user's admin flag. */
  async assign(actor: Actor, roleId: string, assignee: RoleAssignee): Promise<Role> {
    return this.changeAssignment(actor, roleId, assignee, true);
  }

  /** Takes a role from a user or client; `admin` clears a user's admin flag. */
  async unassign(actor: Actor, roleId: string, assignee: RoleAssignee): Promise<Role> {
    return this.changeAssignment(actor, roleId, assignee, false);
  }

  private async changeAssignment(actor: Actor, roleId: string, assignee: RoleAssignee, assign: boolean): Promise<Role> {
    const role = await this.get(actor, roleId);
    ensure((assignee.userId == null) !== (assignee.clientId == null), () =>
      errors.validation('userId', 'give exactly one of userId and clientId'),
    );
    if (assignee.userId != null) {
      const user = await this.users.get(actor, assignee.userId);
      await this.setAssignment(role, { user }, assign, async (admin) => {
        await this.users.update(actor, user.id, { admin });
      });
      return role;
    }
    const client = await this.clients.get(actor, assignee.clientId!);
    await this.setAssignment(role, { client }, assign, async () => undefined);
    return role;
  }

  /**
   * {@link assign} / {@link unassign} without an actor check, for trusted callers (provisioning): the
   * same rules (the role's tenant only; `admin` is a user's admin flag and no client's).
   */
  async setAssignmentTrusted(role: Role, to: { user: User } | { client: Client }, assign: boolean): Promise<void> {
    await this.setAssignment(role, to, assign, async (admin) => {
      if ('user' in to) await this.users.updateTrusted(to.user.id, { admin });
    });
  }

  private async setAssignment(
    role: Role,
    to: { user: Pick<User, 'id' | 'tenantId'> } | { client: Pick<Client, 'id' | 'tenantId'> },
    assign: boolean,
    setAdmin: (admin: boolean) => Promise<void>,
  ): Promise<void> {
    if ('user' in to) {
      if (role.builtIn) return setAdmin(assign);
      ensure(to.user.tenantId === role.tenantId, () => errors.validation('userId', 'the user belongs to another tenant than the role'));
      return this.write(role, { kind: 'user', id: to.user.id }, assign);
    }
    ensure(!role.builtIn, () =>
      errors.validation('roleId', 'the built-in role admin is for users; a client gets scope admin through its allowedScopes'),
    );
    ensure(to.client.tenantId === role.tenantId, () => errors.validation('clientId', 'the client belongs to another tenant than the role'));
    return this.write(role, { kind: 'client', id: to.client.id }, assign);
  }

  private async write(role: Role, subject: RoleSubject, assign: boolean): Promise<void> {
    if (assign) await this.roles.assign(role.id, subject);
    else await this.roles.unassign(role.id, subject);
    await this.bus.publish({ topic: 'role', kind: 'updated', key: subjectKey(subject) });
  }

  /**
   * Each `{api, permission}` as stored: the API must be the role's tenant's own, or
   * an ancestor's that accepts child tenants, and declare the permission; anything
   * else is `BAD_USER_INPUT` naming the entry.
   */
  private async resolvePermissions(tenant: Tenant, permissions: readonly RolePermissionInput[]): Promise<StoredRolePermission[]> {
    ensure(permissions.length <= MAX_PERMISSIONS, () => errors.validation('permissions', `at most ${MAX_PERMISSIONS} permissions`));
    const resolved: StoredRolePermission[] = [];
    for (const [index, { api: identifier, permission }] of permissions.entries()) {
      const api = await this.apis.findVisible(tenant, identifier);
      ensure(api, () =>
        errors.validation(
          `permissions[${index}].api`,
          `${JSON.stringify(identifier.slice(0, 200))} is not an API of this tenant (or of an ancestor that accepts child tenants)`,
        ),
      );
      ensure(
        api.permissions.some((p) => p.name === permission),
        () =>
          errors.validation(
            `permissions[${index}].permission`,
            `${JSON.stringify(permission.slice(0, 200))} is not a permission of ${api.identifier}`,
          ),
      );
      resolved.push({ apiId: api.id, permission });
    }
    return resolved;
  }
}
