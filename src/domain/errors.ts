import { quoted } from './error-description';

/**
 * The one error model of the domain. Every failure the server reports to a
 * caller is a {@link DomainError} with a code from a closed list; the edges
 * (REST error middleware, Apollo formatError) map the code to a transport.
 */
export const ERROR_CODES = [
  // RFC 6749 §5.2 and §4.1.2.1, RFC 7009 §2.2.1, OIDC Core §3.1.2.6
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'unsupported_response_type',
  'unsupported_token_type',
  'invalid_token',
  'insufficient_scope',
  'login_required',
  'consent_required',
  // OIDC Core §6: the authorization request carried `request` or `request_uri`, which this server does not support
  'request_not_supported',
  'request_uri_not_supported',
  // RFC 9126 §4 / OIDC Core §3.1.2.6: the request_uri is unknown, expired, already used or another client's
  'invalid_request_uri',
  // RFC 9101 §6.3: the request object (JAR) is invalid: not signed by the client, not addressed to this issuer, expired, replayed
  'invalid_request_object',
  // RFC 8707 §2: the requested resource is invalid, unknown, or not for this client
  'invalid_target',
  // RFC 7591 §3.2.2: a dynamic client registration request was refused
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
  // RFC 8628 §3.5 device access token errors: the user has not answered yet, the device polls too fast, the device code expired
  'authorization_pending',
  'slow_down',
  'expired_token',
  // RFC 9449 §5, §8, §12.2: a DPoP proof that fails its checks, and a proof without the server's current nonce
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'temporarily_unavailable',
  'server_error',
  // RFC 8628 §3.5: the user denied a device authorization; sent as access_denied with 400 (RFC 6749 §5.2), not 403
  'authorization_denied',
  // Administration
  'not_found',
  'conflict',
  'forbidden',
  'unauthenticated',
  'validation_failed',
  // Infrastructure: the database (or another dependency) cannot be reached right now
  'service_unavailable',
  // Throttling (RFC 6585 §4)
  'too_many_requests',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface DomainErrorOptions {
  /** Log-only detail; never sent to a client. */
  detail?: string;
  cause?: unknown;
  /** The input field at fault, for validation errors. */
  field?: string;
  /** For `insufficient_scope`: the scope the request needs (RFC 6750 §3 `scope` attribute). */
  requiredScope?: string;
  /** For `too_many_requests`: seconds until a retry can succeed (RFC 9110 §10.2.3 Retry-After). */
  retryAfterSeconds?: number;
  /** For `too_many_requests`: the OAuth error the endpoint owes a failed attempt (`invalid_grant`, `invalid_client`), sent as `error` with status 429. */
  answerAs?: ErrorCode;
  /**
   * RFC 9449 §7.1: the error answers a request to a protected resource in the `DPoP` scheme, so it
   * is a 401 (403 for insufficient_scope) with a `WWW-Authenticate: DPoP` challenge.
   */
  challenge?: 'DPoP';
  /** RFC 9449 §8, §9: the nonce the client must put in its next proof, sent as `DPoP-Nonce`. */
  dpopNonce?: string;
  /** RFC 7644 §3.12: the SCIM detail error keyword (`invalidFilter`, `uniqueness`, …) a SCIM endpoint answers with. */
  scimType?: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  /** Client-safe description (OAuth `error_description`, GraphQL message). */
  readonly description: string;
  readonly detail?: string;
  readonly field?: string;
  readonly requiredScope?: string;
  readonly retryAfterSeconds?: number;
  readonly answerAs?: ErrorCode;
  readonly challenge?: 'DPoP';
  readonly dpopNonce?: string;
  readonly scimType?: string;

  constructor(code: ErrorCode, description: string, options: DomainErrorOptions = {}) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.description = description;
    this.detail = options.detail;
    this.field = options.field;
    this.requiredScope = options.requiredScope;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.answerAs = options.answerAs;
    this.challenge = options.challenge;
    this.dpopNonce = options.dpopNonce;
    this.scimType = options.scimType;
  }
}

export const isDomainError = (value: unknown): value is DomainError => value instanceof DomainError;

/** Shorthand factories, one per code that domain code raises often. */
export const errors = {
  invalidRequest: (description: string, field?: string) => new DomainError('invalid_request', description, { field }),
  /**
   * Every client-authentication failure (no credentials, malformed ones, unknown or disabled client,
   * missing or wrong secret, a secret from a public client) answers this one text, so the answer never
   * tells whether a client_id exists; the reason goes to `detail` (logs only).
   */
  invalidClient: (detail?: string) => new DomainError('invalid_client', 'client authentication failed', { detail }),
  invalidGrant: (description: string) => new DomainError('invalid_grant', description),
  unauthorizedClient: (description: string) => new DomainError('unauthorized_client', description),
  unsupportedGrantType: (grantType: string) =>
    new DomainError('unsupported_grant_type', `grant_type ${quoted(grantType)} is not supported`),
  invalidScope: (description: string) => new DomainError('invalid_scope', description),
  invalidToken: (description = 'the access token is invalid, expired or revoked') => new DomainError('invalid_token', description),
  insufficientScope: (scope: string) =>
    new DomainError('insufficient_scope', `this operation requires scope ${quoted(scope, 128)}`, { requiredScope: scope }),
  notFound: (what: string) => new DomainError('not_found', `${what} not found`),
  conflict: (description: string, field?: string) => new DomainError('conflict', description, { field }),
  forbidden: (description = 'not allowed for this actor') => new DomainError('forbidden', description),
  unauthenticated: (description = 'authentication required') => new DomainError('unauthenticated', description),
  tooManyRequests: (retryAfterSeconds: number, description = 'too many attempts; try again later', answerAs?: ErrorCode) =>
    new DomainError('too_many_requests', description, { retryAfterSeconds, answerAs }),
  /** RFC 7591 §3.2.2: a registration's redirect URIs are refused. */
  invalidRedirectUri: (description: string) => new DomainError('invalid_redirect_uri', description),
  /** RFC 7591 §3.2.2: a registration's metadata (other than redirect URIs) is refused. */
  invalidClientMetadata: (description: string, field?: string) => new DomainError('invalid_client_metadata', description, { field }),
  /** RFC 7591 §3.2.2: the software statement is invalid (or from an issuer this server does not trust). */
  invalidSoftwareStatement: (description: string) => new DomainError('invalid_software_statement', description),
  /** RFC 9449 §5: the DPoP proof is missing a member, malformed, or fails a check (the reason in the description). */
  invalidDpopProof: (description: string) => new DomainError('invalid_dpop_proof', description),
  /** RFC 9449 §8: the proof needs the server's nonce, sent beside the error as `DPoP-Nonce`. */
  useDpopNonce: (nonce: string, description = 'the DPoP proof must carry the nonce of the DPoP-Nonce header') =>
    new DomainError('use_dpop_nonce', description, { dpopNonce: nonce }),
  validation: (field: string, description: string) => new DomainError('validation_failed', `${field}: ${description}`, { field }),
  /** An infrastructure failure (database unreachable), named for what it is; `cause` is logged, never sent. */
  serviceUnavailable: (cause?: unknown) =>
    new DomainError('service_unavailable', 'the service is temporarily unavailable; try again later', { cause }),
};

/** Flat guard: `ensure(client.enabled, () => errors.invalidClient())`. */
export function ensure(condition: unknown, error: () => DomainError): asserts condition {
  if (!condition) throw error();
}
