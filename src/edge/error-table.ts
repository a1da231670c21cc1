import type { ErrorCode } from '../domain/errors';

export interface ErrorMapping {
  /** HTTP status for REST endpoints. */
  status: number;
  /** RFC 6749 `error` value for OAuth endpoints. */
  oauthError: string;
  /** GraphQL `extensions.code`. */
  graphqlCode:
    'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'SERVICE_UNAVAILABLE' | 'INTERNAL_SERVER_ERROR';
}

/** The one table from domain error codes to transports; read only by the REST error middleware and Apollo formatError. */
export const ERROR_TABLE: Record<ErrorCode, ErrorMapping> = {
  invalid_request: { status: 400, oauthError: 'invalid_request', graphqlCode: 'BAD_USER_INPUT' },
  invalid_client: { status: 401, oauthError: 'invalid_client', graphqlCode: 'UNAUTHENTICATED' },
  invalid_grant: { status: 400, oauthError: 'invalid_grant', graphqlCode: 'BAD_USER_INPUT' },
  unauthorized_client: { status: 400, oauthError: 'unauthorized_client', graphqlCode: 'FORBIDDEN' },
  unsupported_grant_type: { status: 400, oauthError: 'unsupported_grant_type', graphqlCode: 'BAD_USER_INPUT' },
  invalid_scope: { status: 400, oauthError: 'invalid_scope', graphqlCode: 'BAD_USER_INPUT' },
  access_denied: { status: 403, oauthError: 'access_denied', graphqlCode: 'FORBIDDEN' },
  unsupported_response_type: { status: 400, oauthError: 'unsupported_response_type', graphqlCode: 'BAD_USER_INPUT' },
  unsupported_token_type: { status: 400, oauthError: 'unsupported_token_type', graphqlCode: 'BAD_USER_INPUT' },
  invalid_token: { status: 401, oauthError: 'invalid_token', graphqlCode: 'UNAUTHENTICATED' },
  insufficient_scope: { status: 403, oauthError: 'insufficient_scope', graphqlCode: 'FORBIDDEN' },
  login_required: { status: 401, oauthError: 'login_required', graphqlCode: 'UNAUTHENTICATED' },
  consent_required: { status: 403, oauthError: 'consent_required', graphqlCode: 'FORBIDDEN' },
  request_not_supported: { status: 400, oauthError: 'request_not_supported', graphqlCode: 'BAD_USER_INPUT' },
  request_uri_not_supported: { status: 400, oauthError: 'request_uri_not_supported', graphqlCode: 'BAD_USER_INPUT' },
  invalid_request_uri: { status: 400, oauthError: 'invalid_request_uri', graphqlCode: 'BAD_USER_INPUT' },
  invalid_request_object: { status: 400, oauthError: 'invalid_request_object', graphqlCode: 'BAD_USER_INPUT' },
  invalid_target: { status: 400, oauthError: 'invalid_target', graphqlCode: 'BAD_USER_INPUT' },
  invalid_redirect_uri: { status: 400, oauthError: 'invalid_redirect_uri', graphqlCode: 'BAD_USER_INPUT' },
  invalid_client_metadata: { status: 400, oauthError: 'invalid_client_metadata', graphqlCode: 'BAD_USER_INPUT' },
  invalid_software_statement: { status: 400, oauthError: 'invalid_software_statement', graphqlCode: 'BAD_USER_INPUT' },
  unapproved_software_statement: { status: 400, oauthError: 'unapproved_software_statement', graphqlCode: 'BAD_USER_INPUT' },
  // RFC 8628 §3.5: token endpoint errors, 400 as RFC 6749 §5.2 has them.
  authorization_pending: { status: 400, oauthError: 'authorization_pending', graphqlCode: 'BAD_USER_INPUT' },
  slow_down: { status: 400, oauthError: 'slow_down', graphqlCode: 'BAD_USER_INPUT' },
  expired_token: { status: 400, oauthError: 'expired_token', graphqlCode: 'BAD_USER_INPUT' },
  authorization_denied: { status: 400, oauthError: 'access_denied', graphqlCode: 'FORBIDDEN' },
  // RFC 9449 §5, §8 at the token endpoint; a protected resource answers them 401 with a DPoP challenge (oauth-error-response.ts).
  invalid_dpop_proof: { status: 400, oauthError: 'invalid_dpop_proof', graphqlCode: 'UNAUTHENTICATED' },
  use_dpop_nonce: { status: 400, oauthError: 'use_dpop_nonce', graphqlCode: 'UNAUTHENTICATED' },
  temporarily_unavailable: { status: 503, oauthError: 'temporarily_unavailable', graphqlCode: 'SERVICE_UNAVAILABLE' },
  server_error: { status: 500, oauthError: 'server_error', graphqlCode: 'INTERNAL_SERVER_ERROR' },
  not_found: { status: 404, oauthError: 'invalid_request', graphqlCode: 'NOT_FOUND' },
  conflict: { status: 409, oauthError: 'invalid_request', graphqlCode: 'CONFLICT' },
  forbidden: { status: 403, oauthError: 'access_denied', graphqlCode: 'FORBIDDEN' },
  unauthenticated: { status: 401, oauthError: 'invalid_token', graphqlCode: 'UNAUTHENTICATED' },
  validation_failed: { status: 400, oauthError: 'invalid_request', graphqlCode: 'BAD_USER_INPUT' },
  service_unavailable: { status: 503, oauthError: 'temporarily_unavailable', graphqlCode: 'SERVICE_UNAVAILABLE' },
  // RFC 6749 has no rate-limit error; temporarily_unavailable (§4.1.2.1) is the closest registered code.
  too_many_requests: { status: 429, oauthError: 'temporarily_unavailable', graphqlCode: 'FORBIDDEN' },
};

/** `Retry-After` (RFC 9110 §10.2.3) on every 503. */
export const RETRY_AFTER_SECONDS = 5;

export const GENERIC_SERVER_ERROR = 'the server encountered an unexpected error';
