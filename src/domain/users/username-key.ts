/**
 * Usernames are case-insensitive within a tenant, and keep the case they were created with.
 * The comparison key is the username with ASCII letters lower-cased: usernames are ASCII
 * (`validateUsername`), so this is the whole of Unicode case folding on the characters a username
 * may hold. SQL computes the same key as `lower(username collate "C")` (the `C` collation folds
 * ASCII only, whatever the database's locale), which is the expression of the unique index
 * `users_tenant_username_key_unique` on `(tenant_id, <key>)` and of every lookup by username.
 * Input that is not ASCII keeps its other characters, so it never equals a stored key
 * (`K`, U+212A KELVIN SIGN, does not match `k`, unlike JavaScript's `toLowerCase`).
 */
export const usernameKey = (username: string): string => username.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

/** Whether two usernames name the same account of a tenant. */
export const sameUsername = (a: string, b: string): boolean => usernameKey(a) === usernameKey(b);
