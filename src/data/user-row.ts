import type { User } from '../domain/users/user';

/** The `users` columns a {@link User} is made of, as plain SQL selects them. */
export interface UserRow {
  id: string;
  tenant_id: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  phone: string | null;
  firstname: string | null;
  lastname: string | null;
  enabled: boolean;
  admin: boolean;
  created_at: Date;
  updated_at: Date;
}

const USER_COLUMNS: readonly (keyof UserRow)[] = [
  'id',
  'tenant_id',
  'username',
  'email',
  'email_verified',
  'phone',
  'firstname',
  'lastname',
  'enabled',
  'admin',
  'created_at',
  'updated_at',
];

/** A user row with its argon2id password hash, for a credential check. */
export interface UserRowWithPasswordHash extends UserRow {
  password_hash: string;
}

/**
 * The case-insensitive key of a username column or parameter (`usernameKey` in SQL): the
 * expression of the unique index `users_tenant_username_key_unique`, so a lookup written with
 * it uses that index.
 */
export const usernameKeySql = (expression: string): string => `lower(${expression} collate "C")`;

/** Select list for {@link UserRow}, qualified by `alias`. */
export const userColumns = (alias: string): string => USER_COLUMNS.map((column) => `${alias}.${column}`).join(', ');

/** One JSON column holding the {@link UserRow} of `alias`, or null when an outer join found no user. */
export const userJson = (alias: string): string =>
  `case when ${alias}.id is null then null else json_build_object(${USER_COLUMNS.map((column) => `'${column}', ${alias}.${column}`).join(', ')}) end`;

export const userFromRow = (row: UserRow): User =>
  Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    username: row.username,
    email: row.email,
    emailVerified: row.email_verified,
    phone: row.phone,
    firstname: row.firstname,
    lastname: row.lastname,
    enabled: row.enabled,
    admin: row.admin,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  });
