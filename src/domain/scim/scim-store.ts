import type { User } from '../users/user';

/** A tenant-scoped SCIM bearer token as stored: never the token, only its SHA-256 (kept in the store). */
export interface ScimToken {
  readonly id: string;
  readonly tenantId: string;
  readonly description: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** The storage of SCIM tokens (implemented in `src/data/scim.repository.ts`), looked up by the SHA-256 of the token. */
export interface ScimTokenStore {
  insert(token: { tenantId: string; tokenHash: string; description: string }): Promise<ScimToken>;
  findByHash(tokenHash: string): Promise<ScimToken | null>;
  findById(id: string): Promise<ScimToken | null>;
  /** A tenant's tokens, newest first. */
  listByTenant(tenantId: string): Promise<ScimToken[]>;
  /** Marks the token revoked at `now` (kept when already revoked); null when there is none. */
  revoke(id: string, now: Date): Promise<ScimToken | null>;
}

/** A user with the SCIM `externalId` its directory gave it. */
export interface ScimUserRecord {
  readonly user: User;
  readonly externalId: string | null;
}

/** One condition of a user search: `userName` regardless of case (RFC 7643: caseExact false), `externalId` and `id` exactly. */
export interface ScimUserCondition {
  readonly attribute: 'userName' | 'externalId' | 'id';
  readonly value: string;
}

/**
 * What SCIM reads and writes besides the user and role services (implemented in `src/data/scim.repository.ts`):
 * the users' `external_id` column and a role's user members. Writes join the caller's transaction.
 */
export interface ScimDirectoryStore {
  /** Sets (or clears) the user's externalId; a value another user of the tenant holds propagates as a unique violation. */
  setExternalId(userId: string, externalId: string | null): Promise<void>;
  /** The tenant's users meeting every condition, oldest first, `offset` and `limit` applied, with how many meet them in all. */
  findUsers(
    tenantId: string,
    conditions: readonly ScimUserCondition[],
    offset: number,
    limit: number,
  ): Promise<{ total: number; records: ScimUserRecord[] }>;
  /** The users a role is assigned to, by username. */
  membersOf(roleId: string): Promise<{ id: string; username: string }[]>;
}
