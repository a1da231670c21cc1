import { hasControlCharacter } from '../control-characters';
import { errors } from '../errors';

const MAX_REDIRECT_URI = 2000;

/** Loopback hosts on which plain http is allowed (RFC 8252 §7.3, RFC 9700 §4.1.3). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Characters a registered redirect URI may not hold even where URL parsing
 * would percent-encode or drop them: whitespace, quotes, angle brackets,
 * backslashes and backticks (each parses to something other than what was
 * written), and `*`, so nothing registered can look like a wildcard pattern.
 */
const FORBIDDEN = /[\s"'<>\\`*]/;

/**
 * A redirection endpoint as it may be registered, on every write path (GraphQL
 * createClient/updateClient, seed 001 `/register_client`, provisioning files,
 * the CLI through GraphQL):
 *
 * - at most 2000 characters, no control character, none of `FORBIDDEN`;
 * - absolute and parseable (RFC 6749 §3.1.2), without a fragment (even an
 *   empty one) and without userinfo (`user:pw@`);
 * - exactly its own WHATWG URL serialisation, so what is stored is what a
 *   browser follows: `https:/app.example/cb` (which browsers turn into
 *   `https://app.example/cb`), `https://APP.example/cb`, `https://a.example:443/cb`
 *   or `https://a.example` (no path) are refused rather than silently
 *   meaning another string;
 * - https; http only on a loopback host (RFC 9700 §4.1.3); or a private-use
 *   scheme containing a dot for native apps (RFC 8252 §7.1, `com.example.app:/cb`).
 *
 * Returns the value unchanged.
 */
export function validateRedirectUri(value: string, field = 'redirectUris'): string {
  const problem = redirectUriProblem(value);
  if (problem) throw errors.validation(field, problem);
  return value;
}

/** True when `value` is a redirect URI that {@link validateRedirectUri} accepts. */
export function isValidRedirectUri(value: string): boolean {
  return redirectUriProblem(value) === null;
}

function redirectUriProblem(value: string): string | null {
  if (value.length > MAX_REDIRECT_URI) return `must be at most ${MAX_REDIRECT_URI} characters`;
  if (hasControlCharacter(value)) return 'must not contain control characters';
  const shown = JSON.stringify(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${shown} is not an absolute URI`;
  }
  if (FORBIDDEN.test(value)) return `${shown} must not contain whitespace, quotes, angle brackets, backslashes, backticks or "*"`;
  if (url.hash || value.includes('#')) return `${shown} must not contain a fragment`;
  if (url.username || url.password) return `${shown} must not contain userinfo`;
  if (url.href !== value) return `${shown} is not in normal form: register ${JSON.stringify(url.href)} exactly`;
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.includes(url.hostname)) return `${shown} must use https (http is allowed only for loopback hosts)`;
  } else if (url.protocol !== 'https:' && !url.protocol.slice(0, -1).includes('.')) {
    return `${shown} must use https or a reverse-domain private scheme`;
  }
  return null;
}

/**
 * RFC 6749 §3.1.2.3 with RFC 9700 §2.1: exact string comparison, no pattern
 * matching, no normalisation. A stored URI that the current rules refuse
 * (registered before they existed) never matches, so nothing is ever sent to it.
 */
export const redirectUriMatches = (registered: readonly string[], presented: string): boolean =>
  registered.includes(presented) && isValidRedirectUri(presented);
