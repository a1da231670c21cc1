import { isDomainError } from '../domain/errors';
import { ERROR_TABLE, GENERIC_SERVER_ERROR } from '../edge/error-table';

/** Seed 003's error model. */
export interface ServerPluginError {
  code: string | null;
  message: string | null;
  context: string | null;
  innerError: ServerPluginError | null;
  extensions: unknown;
}

/**
 * Any thrown value as a seed 003 `ServerPluginError`, with the status of the
 * edge error table (400 for bad input, 401/403 for authentication); anything
 * that is not a domain error is a 500 with a generic message.
 */
export function serverPluginError(error: unknown, context: string): { status: number; body: ServerPluginError; unexpected: boolean } {
  if (isDomainError(error)) {
    const mapping = ERROR_TABLE[error.code];
    return {
      status: mapping.status,
      body: { code: mapping.oauthError, message: error.description, context, innerError: null, extensions: error.field ? { field: error.field } : null },
      unexpected: false,
    };
  }
  return { status: 500, body: { code: 'server_error', message: GENERIC_SERVER_ERROR, context, innerError: null, extensions: null }, unexpected: true };
}
