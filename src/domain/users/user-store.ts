import type { Page, SearchablePageRequest } from '../pagination';
import type { User } from './user';

/** A user as stored when created; the password only as its argon2id hash. */
export interface NewUser {
  readonly tenantId: string;
  readonly username: string;
  /** argon2id PHC string. */
  readonly passwordHash: string;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly firstname?: string | null;
  readonly lastname?: string | null;
  readonly admin?: boolean;
  /** Default true. */
  readonly enabled?: boolean;
}

/** What an update may change on a stored user; absent fields keep their value. */
export interface UserChanges {
  username?: string;
  email?: string | null;
  phone?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  enabled?: boolean;
  admin?: boolean;
  emailVerified?: boolean;
  /** argon2id PHC string. */
  passwordHash?: string;
}

/** A user with its password hash, for a credential check only; the hash never leaves UserService. */
export interface UserCredentials {
  readonly user: User;
  readonly passwordHash: string;
}

/**
 * The storage users need (implemented in `src/data/user.repository.ts`):
 * plain values in and out. Writes and {@link load} join the caller's
 * transaction when made inside `Transactions.run`; the prepared lookups
 * ({@link findById}, {@link findCredentials}) never do.
 */
export interface UserStore {
  /** The user by id (a uuid): one prepared round trip (token subjects, userinfo, introspection, refresh). */
  findById(id: string): Promise<User | null>;
  /** The user by id (a uuid) as the current unit of work sees it (admin reads). */
  load(id: string): Promise<User | null>;
  /**
   * The user of `tenantId` whose username equals `username` regardless of case, with its
   * password hash: one prepared round trip on the unique index of the username key.
   */
  findCredentials(tenantId: string, username: string): Promise<UserCredentials | null>;
  /** A tenant's users, oldest first; `request.search` matches username, email, first or last name, case-insensitively. */
  page(tenantId: string, request: SearchablePageRequest): Promise<Page<User>>;
  /** Inserts a user and returns it as stored. Unique violations (the username key) propagate, marked for `mapUniqueViolation`. */
  insert(user: NewUser): Promise<User>;
  /**
   * Reads user `id`, asks `change` what to change given the user as it is
   * (it may throw, and nothing is written), and writes that change; returns
   * the user as written, or null when there is no such user. Unique
   * violations propagate as for {@link insert}.
   */
  modify(id: string, change: (current: User) => Promise<UserChanges>): Promise<User | null>;
  /** Users of `tenantId` whose username (regardless of case) or email (regardless of case) is `identifier`, oldest first, at most `limit`. */
  findForRecovery(tenantId: string, identifier: string, limit: number): Promise<User[]>;
  /** Deletes the user; its browser sessions, consents and devices go with it (foreign keys cascade). */
  delete(id: string): Promise<void>;
}
