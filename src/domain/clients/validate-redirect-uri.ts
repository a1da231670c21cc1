import { hasControlCharacter } from '../control-characters';
import { errors } from '../errors';

const MAX_REDIRECT_URI = 2000;

/**
 * RFC 6749 §3.1.2: a redirection endpoint is an absolute URI without a
 * fragment. RFC 9700 §4.1.3: https, or http only on loopback; custom schemes
 * (native apps, RFC 8252 §7.1) are accepted when they contain a dot. At most
 * 2000 characters, none a control character (which URL parsing would drop).
 */
export function validateRedirectUri(value: string, field = 'redirectUris'): string {
  if (value.length > MAX_REDIRECT_URI) throw errors.validation(field, `must be at most ${MAX_REDIRECT_URI} characters`);
  if (hasControlCharacter(value)) throw errors.validation(field, 'must not contain control characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw errors.validation(field, `"${value}" is not an absolute URI`);
  }
  if (url.hash || value.includes('#')) throw errors.validation(field, `"${value}" must not contain a fragment`);
  if (url.protocol === 'http:') {
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (!loopback) throw errors.validation(field, `"${value}" must use https (http is allowed only for loopback hosts)`);
  } else if (url.protocol !== 'https:' && !url.protocol.slice(0, -1).includes('.')) {
    throw errors.validation(field, `"${value}" must use https or a reverse-domain private scheme`);
  }
  return value;
}

/** RFC 6749 §3.1.2.3 with RFC 9700 §2.1: exact string comparison, no pattern matching. */
export const redirectUriMatches = (registered: readonly string[], presented: string): boolean => registered.includes(presented);
