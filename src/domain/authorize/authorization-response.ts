import type { DomainError } from '../errors';
import type { RedirectTarget } from './authorization-request';

/**
 * Appends response parameters to a redirect URI, keeping its own query
 * component (RFC 6749 §3.1.2: it MUST be retained).
 */
export function appendQuery(uri: string, params: Record<string, string | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null) query.append(key, value);
  const separator = !uri.includes('?') ? '?' : uri.endsWith('?') || uri.endsWith('&') ? '' : '&';
  return `${uri}${separator}${query.toString()}`;
}

/**
 * RFC 6749 §4.1.2 successful response with the RFC 9207 `iss` parameter:
 * `redirect_uri?code=…&state=…&iss=…`; `state` only when the client sent one.
 */
export const successRedirect = (target: RedirectTarget, code: string, issuer: string): string =>
  appendQuery(target.redirectUri, { code, state: target.state, iss: issuer });

/** RFC 6749 §4.1.2.1: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
const describable = (text: string): string => text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');

/**
 * RFC 6749 §4.1.2.1 error response with RFC 9207 `iss`, only for requests
 * whose client and redirect URI were already validated.
 */
export const errorRedirect = (target: RedirectTarget, error: DomainError, issuer: string): string =>
  appendQuery(target.redirectUri, {
    error: (AUTHORIZATION_ERRORS as readonly string[]).includes(error.code) ? error.code : 'invalid_request',
    error_description: describable(error.description),
    state: target.state,
    iss: issuer,
  });

/** Error codes of RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6 and RFC 8707 §2 that this endpoint sends. */
const AUTHORIZATION_ERRORS = [
  'invalid_request',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
  'login_required',
  'consent_required',
  'request_not_supported',
  'request_uri_not_supported',
  // RFC 8707 §2
  'invalid_target',
] as const;
