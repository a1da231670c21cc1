/**
 * The one place that decides whether an error means "the database could not
 * be reached or went away", as opposed to a bug or a business answer: pg
 * socket errors, PostgreSQL's connection-exception class (08xxx) and
 * shutdown codes (57P01-57P03), a connection terminated mid-query, and the
 * knex/tarn pool giving up on acquiring a connection. Follows `cause` chains
 * and AggregateError (Node reports a refused multi-address connect that way).
 */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
const SHUTDOWN_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = [
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /Timeout acquiring a connection/i,
  /connection (?:is )?(?:closed|ended)/i,
  /the database system is (?:starting up|shutting down|in recovery mode)/i,
];

/**
 * A PostgreSQL data exception (SQLSTATE class 22: invalid byte sequence,
 * string too long, invalid text representation, …): the database refused a
 * value that validation should have refused first. Follows `cause` chains.
 */
export function isDataException(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return true;
  return isDataException(cause, depth + 1);
}

export function isInfrastructureFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, name, message, cause, errors } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SHUTDOWN_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (name === 'KnexTimeoutError' || name === 'TimeoutError') return true;
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isInfrastructureFailure(inner, depth + 1))) return true;
  return isInfrastructureFailure(cause, depth + 1);
}
