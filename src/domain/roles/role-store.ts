import type { Role, RoleSubject } from './role';

export interface NewRole {
  readonly tenantId: string;
  readonly name: string;
  readonly description: string;
}

/** A permission as written: the API's id and the permission's name. */
export interface StoredRolePermission {
  readonly apiId: string;
  readonly permission: string;
}

/**
 * The storage roles need (implemented in `src/data/role.repository.ts`): plain values
 * in and out. Writes join the caller's transaction inside `Transactions.run`.
 */
export interface RoleStore {
  /** A tenant's roles with their permissions, by name. */
  listByTenant(tenantId: string): Promise<Role[]>;
  findById(id: string): Promise<Role | null>;
  /** A taken name propagates as a unique violation (`mapUniqueViolation`). */
  insert(role: NewRole): Promise<Role>;
  /** Null when there is no such role. */
  update(id: string, changes: { name?: string; description?: string }): Promise<Role | null>;
  /** Replaces the role's permissions; each must be a permission its API declares (a foreign key holds it). */
  setPermissions(roleId: string, permissions: readonly StoredRolePermission[]): Promise<void>;
  delete(id: string): Promise<void>;
  /** Assigns (idempotent). */
  assign(roleId: string, subject: RoleSubject): Promise<void>;
  /** False when the role was not assigned to the subject. */
  unassign(roleId: string, subject: RoleSubject): Promise<boolean>;
  /** The subject's roles, by name. */
  rolesOf(subject: RoleSubject): Promise<Role[]>;
  /** Every (API id, permission) the subject's roles grant. */
  grantsOf(subject: RoleSubject): Promise<StoredRolePermission[]>;
}
