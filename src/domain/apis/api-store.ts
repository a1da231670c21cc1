import type { Api, ApiPermission } from './api';

/** An API as stored when created. */
export interface NewApi {
  readonly tenantId: string;
  readonly identifier: string;
  readonly name: string;
  readonly permissions: readonly ApiPermission[];
  readonly accessTokenLifetime: number;
  readonly acceptsChildTenants: boolean;
  readonly isDefault: boolean;
}

/** What an update may change; absent fields keep their value. `permissions` replaces the whole list. */
export interface ApiChanges {
  identifier?: string;
  name?: string;
  permissions?: readonly ApiPermission[];
  accessTokenLifetime?: number;
  acceptsChildTenants?: boolean;
  isDefault?: boolean;
}

/**
 * The storage APIs need (implemented in `src/data/api.repository.ts`): plain values in and
 * out. Writes join the caller's transaction inside `Transactions.run`.
 */
export interface ApiStore {
  /** A tenant's APIs with their permissions, by identifier. */
  listByTenant(tenantId: string): Promise<Api[]>;
  findById(id: string): Promise<Api | null>;
  /** Inserts an API and its permissions. A taken identifier propagates as a unique violation (`mapUniqueViolation`). */
  insert(api: NewApi): Promise<Api>;
  /**
   * Writes `changes` to API `id`; a replaced permission list drops the removed
   * permissions from every role (foreign keys cascade). Null when there is no such API.
   */
  update(id: string, changes: ApiChanges): Promise<Api | null>;
  /** Clears the default flag on every API of the tenant. */
  clearDefault(tenantId: string): Promise<void>;
  /** Deletes the API; its permissions leave every role with it. */
  delete(id: string): Promise<void>;
}
