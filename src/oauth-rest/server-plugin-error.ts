import { domainErrorOf } from '../edge/domain-error-of';
import { oauthErrorResponse, type ErrorResponse } from './oauth-error-response';

/** Seed 003's error model. */
export interface ServerPluginError {
  code: string | null;
  message: string | null;
  context: string | null;
  innerError: ServerPluginError | null;
  extensions: unknown;
}

/**
 * A route's failure responder answering seed 003 `ServerPluginError` bodies:
 * the status and headers of the RFC 6749 mapping (edge error table, 413, 503
 * with Retry-After, 500 with a generic text), the error code and description
 * as `code` and `message`, the route's path as `context`.
 */
export function serverPluginErrors(context: string) {
  return (thrown: unknown): ErrorResponse<ServerPluginError> => {
    const oauth = oauthErrorResponse(thrown);
    const field = domainErrorOf(thrown)?.field;
    const headers = oauth.status === 401 && !oauth.headers['WWW-Authenticate'] ? { ...oauth.headers, 'WWW-Authenticate': 'Bearer' } : oauth.headers;
    return {
      status: oauth.status,
      headers,
      body: { code: oauth.body.error, message: oauth.body.error_description, context, innerError: null, extensions: field ? { field } : null },
      unexpected: oauth.unexpected,
    };
  };
}
