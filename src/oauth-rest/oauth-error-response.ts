import { oauthErrorDescription } from '../domain/error-description';
import { domainErrorOf, isRefusedByDatabase } from '../edge/domain-error-of';
import { ERROR_TABLE, GENERIC_SERVER_ERROR, RETRY_AFTER_SECONDS } from '../edge/error-table';
import { DPOP_SIGNING_ALGORITHMS } from '../domain/dpop/dpop-algorithms';

const DPOP_ALGS = `algs="${DPOP_SIGNING_ALGORITHMS.join(' ')}"`;

export interface OAuthErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
  /** The description as the domain wrote it, before the RFC 6749 §5.2 character rule: for seed 001's `message`, which is not an OAuth field. */
  message: string;
  /** True when the error must be logged with its cause: a bug, or an infrastructure failure. */
  unexpected: boolean;
  /** True when validation missed a value the database then refused: logged as a warning. */
  warning?: boolean;
}

/**
 * RFC 6749 §5.2 / RFC 6750 §3 error response for any thrown value: domain
 * errors through the edge error table (401 + WWW-Authenticate for client and
 * bearer authentication), an unreachable database 503 `temporarily_unavailable`
 * with `Retry-After`, anything else `server_error` with a generic text.
 * Every `error_description` holds only the characters RFC 6749 §5.2 allows.
 */
export function oauthErrorResponse(thrown: unknown): OAuthErrorResponse {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  const error = domainErrorOf(thrown);
  if (error) {
    // RFC 6749 §5.2: whatever a message holds, only %x20-21 / %x23-5B / %x5D-7E are sent.
    const description = oauthErrorDescription(error.description);
    const mapping = ERROR_TABLE[error.code];
    let status = mapping.status;
    if (mapping.status === 503) headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
    if (error.code === 'invalid_client') {
      headers['WWW-Authenticate'] = 'Basic realm="token", charset="UTF-8"';
    } else if (error.code === 'invalid_token' || error.code === 'insufficient_scope') {
      const scope = error.requiredScope ? `, scope="${error.requiredScope}"` : '';
      headers['WWW-Authenticate'] = `Bearer error="${error.code}", error_description="${description}"${scope}`;
    }
    if (error.challenge === 'DPoP') {
      // RFC 9449 §7.1, §12.2: a protected resource answers in the DPoP scheme, proof and nonce errors with 401.
      if (status === 400) status = 401;
      const scope = error.requiredScope ? `, scope="${error.requiredScope}"` : '';
      headers['WWW-Authenticate'] =
        `DPoP ${DPOP_ALGS}, error="${error.code}", error_description="${error.description.replace(/"/g, "'")}"${scope}`;
    }
    if (error.dpopNonce !== undefined) headers['DPoP-Nonce'] = error.dpopNonce;
    if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
    // A throttled credential check answers 429 with the error the endpoint owes a failed attempt (e.g. invalid_grant).
    const oauthError = error.answerAs ? ERROR_TABLE[error.answerAs].oauthError : mapping.oauthError;
    return {
      status,
      headers,
      body: { error: oauthError, error_description: description },
      message: error.description,
      unexpected: error.code === 'service_unavailable',
      warning: isRefusedByDatabase(error),
    };
  }
  const { status, type } = (thrown ?? {}) as { status?: number; type?: string };
  if (status === 413 || type === 'entity.too.large') {
    return {
      status: 413,
      headers,
      body: { error: 'invalid_request', error_description: 'the request body is too large' },
      message: 'the request body is too large',
      unexpected: false,
    };
  }
  return {
    status: 500,
    headers,
    body: { error: 'server_error', error_description: GENERIC_SERVER_ERROR },
    message: GENERIC_SERVER_ERROR,
    unexpected: true,
  };
}
