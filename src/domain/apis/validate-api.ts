import { hasControlCharacter } from '../control-characters';
import { quoted } from '../error-description';
import { DomainError, ensure, errors } from '../errors';
import { KNOWN_SCOPES } from '../scopes';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../clients/validate-client-settings';
import type { ApiPermission } from './api';

const PERMISSION_NAME = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
const MAX_IDENTIFIER_LENGTH = 2048;
const MAX_PERMISSIONS = 200;
const MAX_NAME_LENGTH = 200;
const MAX_DESCRIPTION_LENGTH = 1000;
const shown = (text: string): string => quoted(text);

/**
 * Whether `value` is an absolute URI without a fragment (RFC 8707 §2, RFC 3986 §4.3), with
 * no whitespace or control character: what an API identifier and a `resource` value must be.
 */
export function isResourceIndicator(value: string): boolean {
  if (value.length === 0 || value.length > MAX_IDENTIFIER_LENGTH || /\s/.test(value) || hasControlCharacter(value) || value.includes('#'))
    return false;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

export function validateIdentifier(value: string, field = 'identifier'): string {
  ensure(isResourceIndicator(value), () =>
    errors.validation(
      field,
      `${shown(value)} must be an absolute URI without a fragment (RFC 8707 §2), at most ${MAX_IDENTIFIER_LENGTH} characters`,
    ),
  );
  return value;
}

/** A display name or description: no control character, at most `max` characters; `required` refuses an empty one. */
export function validateText(value: string, field: string, max: number, required: boolean): string {
  const text = value.trim();
  ensure(!required || text.length > 0, () => errors.validation(field, 'must not be empty'));
  ensure(text.length <= max, () => errors.validation(field, `must be at most ${max} characters`));
  ensure(!hasControlCharacter(text), () => errors.validation(field, 'must not contain control characters'));
  return text;
}

export const validateApiName = (value: string): string => validateText(value, 'name', MAX_NAME_LENGTH, true);

/**
 * An API's permissions: scope names (RFC 6749 §3.3 scope-token: no space, no control
 * character, no `"` or `\`), at most 128 characters, unique within the API and none of
 * this server's own scopes (`openid`, `admin`, …), which mean something else.
 */
export function validatePermissions(
  permissions: readonly { name: string; description?: string | null }[],
  field = 'permissions',
): ApiPermission[] {
  ensure(permissions.length <= MAX_PERMISSIONS, () => errors.validation(field, `at most ${MAX_PERMISSIONS} permissions`));
  const seen = new Set<string>();
  return permissions.map((permission, index) => {
    const name = permission.name;
    ensure(PERMISSION_NAME.test(name), () =>
      errors.validation(
        `${field}[${index}].name`,
        `${shown(name)} must be 1-128 characters without spaces, control characters, '"' or '\\' (RFC 6749 §3.3 scope-token)`,
      ),
    );
    ensure(!(KNOWN_SCOPES as readonly string[]).includes(name), () =>
      errors.validation(`${field}[${index}].name`, `${shown(name)} is a scope of this server itself`),
    );
    ensure(!seen.has(name), () => errors.validation(`${field}[${index}].name`, `${shown(name)} appears twice`));
    seen.add(name);
    return Object.freeze({
      name,
      description: validateText(permission.description ?? '', `${field}[${index}].description`, MAX_DESCRIPTION_LENGTH, false),
    });
  });
}

/** Within the bounds of a client's access-token lifetime: 1 second to 10 years. */
export function validateLifetime(value: number, field = 'accessTokenLifetime'): number {
  ensure(Number.isInteger(value) && value >= 1 && value <= MAX_TOKEN_LIFETIME_SECONDS, () =>
    errors.validation(field, `must be an integer number of seconds between 1 and ${MAX_TOKEN_LIFETIME_SECONDS}`),
  );
  return value;
}

/** RFC 8707 §2: a `resource` the server refuses (unknown, malformed, or not for this client). */
export const invalidTarget = (description: string): DomainError => new DomainError('invalid_target', description);
