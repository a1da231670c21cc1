import { ensureNoControlCharacter } from '../control-characters';
import { ensure, errors } from '../errors';
import { invalidTarget, isResourceIndicator } from '../apis/validate-api';
import type { RawAuthorizationParams } from './authorization-request';

/**
 * One request parameter: RFC 6749 §3.1 says parameters without a value are
 * treated as omitted and none may be repeated (`invalid_request`); none may
 * hold a control character (Appendix A).
 */
export function readParam(params: RawAuthorizationParams, name: string): string | undefined {
  const value = params[name];
  ensure(!Array.isArray(value), () => errors.invalidRequest(`${name} must not be repeated`, name));
  return value === undefined || value === '' ? undefined : ensureNoControlCharacter(name, value);
}

/**
 * RFC 8707 §2 `resource`, which may repeat: every value, de-duplicated. Each must be an
 * absolute URI without a fragment (`invalid_target`); none may hold a control character.
 */
export function readResources(params: RawAuthorizationParams): string[] {
  const raw = params.resource;
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  for (const value of values) {
    ensureNoControlCharacter('resource', value);
    ensure(isResourceIndicator(value), () => invalidTarget('resource must be an absolute URI without a fragment'));
  }
  return [...new Set(values)];
}
