import { quoted } from './error-description';
import { errors } from './errors';

/** Scopes this server understands (docs/contract.md "Scopes"). */
export const KNOWN_SCOPES = [
  'openid',
  'profile',
  'email',
  'phone',
  'offline_access',
  'username',
  'firstname',
  'lastname',
  'admin',
] as const;

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** Longest scope token and most scopes a client may be configured with. */
const MAX_SCOPE_LENGTH = 128;
const MAX_CONFIGURED_SCOPES = 100;
const shown = (scope: string): string => quoted(scope);

/** Parses an RFC 6749 §3.3 scope string into a de-duplicated list, order kept. */
export function parseScope(raw: string | undefined | null): string[] {
  if (raw === undefined || raw === null) return [];
  const scopes = raw.split(' ').filter((s) => s.length > 0);
  for (const scope of scopes) {
    if (!SCOPE_TOKEN.test(scope)) throw errors.invalidScope(`malformed scope ${shown(scope)}`);
  }
  return [...new Set(scopes)];
}

/**
 * The scopes to grant: the requested ones when all are allowed, or every allowed
 * scope when none is requested (seed 003). Anything outside `allowed` is
 * refused with `invalid_scope` rather than silently dropped.
 */
export function grantScopes(requested: string[], allowed: readonly string[]): string[] {
  if (requested.length === 0) return [...allowed];
  const refused = requested.filter((scope) => !allowed.includes(scope));
  if (refused.length > 0) throw errors.invalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
  return requested;
}

/** RFC 6749 §6: a refresh may only narrow the original grant. */
export function narrowScopes(requested: string[], granted: readonly string[]): string[] {
  if (requested.length === 0) return [...granted];
  const extra = requested.filter((scope) => !granted.includes(scope));
  if (extra.length > 0) throw errors.invalidScope(`scope exceeds the original grant: ${extra.join(' ')}`);
  return requested;
}

/** Validates a configured scope list (admin input): RFC 6749 §3.3 scope-tokens of at most 128 characters, at most 100 of them. */
export function validateScopeList(scopes: string[], field: string): string[] {
  if (scopes.length > MAX_CONFIGURED_SCOPES) throw errors.validation(field, `at most ${MAX_CONFIGURED_SCOPES} scopes`);
  for (const scope of scopes) {
    if (!SCOPE_TOKEN.test(scope)) throw errors.validation(field, `malformed scope ${shown(scope)} (RFC 6749 §3.3 scope-token)`);
    if (scope.length > MAX_SCOPE_LENGTH)
      throw errors.validation(field, `scope ${shown(scope)} is longer than ${MAX_SCOPE_LENGTH} characters`);
  }
  return [...new Set(scopes)];
}
