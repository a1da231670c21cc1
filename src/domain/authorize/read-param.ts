import { ensureNoControlCharacter } from '../control-characters';
import { ensure, errors } from '../errors';
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
