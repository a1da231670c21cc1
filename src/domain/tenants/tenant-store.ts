import type { SigningAlgorithm } from '../keys/signing-algorithm';
import type { SecurityProfile } from '../profiles/security-profiles';
import type { Tenant } from './tenant';
import type { MfaPolicy } from '../mfa/second-factor-policy';

/** What a new tenant row holds; the store fills in the id, the timestamps and no cutoff. */
export interface NewTenantRecord {
  readonly path: string;
  readonly parentId: string | null;
  readonly name: string;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly allowSelfSignup: boolean;
  readonly allowOpenClientRegistration?: boolean;
  readonly requirePushedAuthorizationRequests?: boolean;
  readonly securityProfile?: SecurityProfile;
  readonly mfaPolicy?: MfaPolicy;
  readonly mfaRequiredRoles?: readonly string[];
  readonly refreshReuseGraceSeconds?: number;
  readonly keyRotationDays?: number;
  readonly keyPublicationSeconds?: number;
}

/** The fields a tenant update may write; absent fields stay as they are. */
export type TenantPatch = Partial<
  Pick<
    Tenant,
    | 'name'
    | 'signingAlgorithm'
    | 'allowSelfSignup'
    | 'allowOpenClientRegistration'
    | 'requirePushedAuthorizationRequests'
    | 'securityProfile'
    | 'mfaPolicy'
    | 'mfaRequiredRoles'
    | 'refreshReuseGraceSeconds'
    | 'keyRotationDays'
    | 'keyPublicationSeconds'
  >
>;

/**
 * The storage tenants need (implemented in `src/data/tenant.repository.ts`):
 * the tenant tree by id and by materialised path. Plain {@link Tenant}
 * snapshots cross it both ways; rows stay in the data layer.
 */
export interface TenantStore {
  findById(id: string): Promise<Tenant | null>;
  findByPath(path: string): Promise<Tenant | null>;
  /** The tenants at any of `paths` (unknown paths are left out), in one set-based read per chunk, not a query per path. */
  findManyByPaths(paths: readonly string[]): Promise<Tenant[]>;
  /** Inserts many tenants in multi-row statements (in the caller's transaction; parents before, or in, the same call). */
  insertMany(tenants: readonly NewTenantRecord[]): Promise<Tenant[]>;
  /**
   * `path` and its subtree in path order, after `after` (a path), at most `limit`; with the total count.
   * `search` (case-insensitive substring of path or name) narrows both.
   */
  listSubtree(path: string, after: string | null, limit: number, search: string | null): Promise<{ rows: Tenant[]; totalCount: number }>;
  /** Inserts a tenant; a taken path is a unique violation (see db-errors.ts). */
  insert(tenant: NewTenantRecord): Promise<Tenant>;
  /**
   * Reads the tenant at `path`, asks `change` for a patch (it may throw: nothing is written),
   * writes the patch and returns the tenant as stored; null when there is none.
   */
  modify(path: string, change: (current: Tenant) => TenantPatch): Promise<Tenant | null>;
  /** Whether a client of the tenant names `profile` as its own security profile. */
  hasClientsOfProfile(tenantId: string, profile: SecurityProfile): Promise<boolean>;
  /** The longest access token lifetime among the tenant's clients (seconds), null when it has none. */
  longestAccessTokenLifetime(tenantId: string): Promise<number | null>;
  /** Ids of the strict descendants of `path`. */
  subtreeIds(path: string): Promise<string[]>;
  /** Deletes a tenant with its subtree, clients, users and keys. */
  delete(id: string): Promise<void>;
}
