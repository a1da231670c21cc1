import { oauthErrorDescription } from '../error-description';
import type { DomainError } from '../errors';
import type { RedirectTarget } from './authorization-request';
import type { AuthorizeOutcome } from './authorize-outcome';

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

/** RFC 6749 §4.1.2 success parameters with the RFC 9207 `iss`; `state` only when the client sent one. */
export const successParams = (target: RedirectTarget, code: string, issuer: string): Record<string, string | null> => ({
  code,
  state: target.state,
  iss: issuer,
});

/**
 * RFC 6749 §4.1.2.1 error parameters with RFC 9207 `iss`, only for requests whose client and
 * redirect URI were already validated. `error_description` holds only %x20-21 / %x23-5B / %x5D-7E.
 */
export const errorParams = (target: RedirectTarget, error: DomainError, issuer: string): Record<string, string | null> => ({
  error: (AUTHORIZATION_ERRORS as readonly string[]).includes(error.code) ? error.code : 'invalid_request',
  error_description: oauthErrorDescription(error.description),
  state: target.state,
  iss: issuer,
});

/** RFC 6749 §4.1.2 successful response as a query redirect: `redirect_uri?code=…&state=…&iss=…`. */
export const successRedirect = (target: RedirectTarget, code: string, issuer: string): string =>
  appendQuery(target.redirectUri, successParams(target, code, issuer));

/** RFC 6749 §4.1.2.1 error response as a query redirect. */
export const errorRedirect = (target: RedirectTarget, error: DomainError, issuer: string): string =>
  appendQuery(target.redirectUri, errorParams(target, error, issuer));

/**
 * The authorization response in the target's response mode: a query redirect (RFC 6749
 * §4.1.2, the default) or, for `form_post` (OAuth 2.0 Form Post Response Mode §2), the
 * parameters for a page that posts them to the redirect URI.
 */
export function authorizationResponse(target: RedirectTarget, params: Record<string, string | null>): AuthorizeOutcome {
  if (target.responseMode !== 'form_post') return { kind: 'redirect', location: appendQuery(target.redirectUri, params) };
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (value !== null) fields[key] = value;
  return { kind: 'form-post', action: target.redirectUri, fields };
}

/** Error codes of RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6, RFC 8707 §2, RFC 9126 §4 and RFC 9101 §6.3 that this endpoint sends. */
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
  'invalid_request_uri',
  // RFC 9101 §6.3
  'invalid_request_object',
  // RFC 8707 §2
  'invalid_target',
] as const;
