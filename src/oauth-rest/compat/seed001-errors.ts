import type { OAuthErrorResponse } from '../oauth-error-response';

/** Seed 001's failure body, with the RFC 6749 §5.2 members beside its own. */
export interface Seed001Failure {
  readonly status: 'FAILED';
  readonly message: string;
  readonly error: string;
  readonly error_description: string;
}

/**
 * An RFC 6749 §5.2 error response in seed 001's failure shape,
 * `{"status": "FAILED", "message": …}`, with `error` and `error_description`
 * beside it and the same status and headers; every 401 carries a
 * `WWW-Authenticate: Bearer` challenge (RFC 6750 §3). The route wrapper
 * applies it to the routes whose `errors` is `seed001`, body-reading failures
 * included. `message` keeps the description as written (seed 001's own field);
 * `error_description` holds only RFC 6749 §5.2 characters.
 */
export function seed001ErrorShape(response: OAuthErrorResponse): { status: number; headers: Record<string, string>; body: Seed001Failure } {
  const headers = { ...response.headers };
  if (response.status === 401 && !headers['WWW-Authenticate']?.startsWith('Bearer')) headers['WWW-Authenticate'] = 'Bearer';
  return { status: response.status, headers, body: { status: 'FAILED', message: response.message, ...response.body } };
}
