import { domainErrorOf } from '../edge/domain-error-of';
import type { OAuthErrorResponse } from './oauth-error-response';

/** Seed 003's error model. */
export interface ServerPluginError {
  code: string | null;
  message: string | null;
  context: string | null;
  innerError: ServerPluginError | null;
  extensions: unknown;
}

/**
 * An RFC 6749 §5.2 error response as seed 003's `ServerPluginError`: the same
 * status and headers (413, 503 with Retry-After, 500 with a generic text),
 * `error` and `error_description` as `code` and `message`, the route's path as
 * `context`, the field at fault in `extensions`; every 401 carries a
 * `WWW-Authenticate: Bearer` challenge. The route wrapper applies it to the
 * routes whose `errors` is `seed003`, body-reading failures included.
 */
export function serverPluginErrorShape(
  response: OAuthErrorResponse,
  thrown: unknown,
  context: string,
): { status: number; headers: Record<string, string>; body: ServerPluginError } {
  const headers = { ...response.headers };
  if (response.status === 401 && !headers['WWW-Authenticate']?.startsWith('Bearer')) headers['WWW-Authenticate'] = 'Bearer';
  const field = domainErrorOf(thrown)?.field;
  return {
    status: response.status,
    headers,
    body: {
      code: response.body.error,
      // The description as written (not an OAuth field): seed 003 answers it unchanged.
      message: response.message,
      context,
      innerError: null,
      extensions: field ? { field } : null,
    },
  };
}
