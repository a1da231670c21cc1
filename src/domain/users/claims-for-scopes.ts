import type { User } from './user';

/**
 * Profile claims released for granted scopes (OIDC Core §5.4 and seed 001's
 * claim scopes `username`, `email`, `firstname`, `lastname`, `phone`). Claims
 * with no value are omitted.
 */
export function claimsForScopes(user: User, scopes: readonly string[]): Record<string, string | boolean> {
  const has = (scope: string) => scopes.includes(scope);
  const claims: Record<string, string | boolean | null> = {};
  if (has('profile')) {
    claims.preferred_username = user.username;
    claims.given_name = user.firstname;
    claims.family_name = user.lastname;
    const name = [user.firstname, user.lastname].filter(Boolean).join(' ');
    claims.name = name || null;
    claims.updated_at = null;
  }
  if (has('email') && user.email) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  if (has('phone') && user.phone) {
    claims.phone_number = user.phone;
    claims.phone_number_verified = false;
  }
  if (has('username')) claims.username = user.username;
  if (has('firstname')) claims.firstname = user.firstname;
  if (has('lastname')) claims.lastname = user.lastname;
  if (has('email')) claims.email = user.email;
  if (has('phone')) claims.phone = user.phone;
  return Object.fromEntries(
    Object.entries(claims).filter((entry): entry is [string, string | boolean] => entry[1] !== null && entry[1] !== undefined),
  );
}
