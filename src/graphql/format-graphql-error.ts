import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { domainErrorOf, isRefusedByDatabase } from '../edge/domain-error-of';
import { ERROR_TABLE, GENERIC_SERVER_ERROR } from '../edge/error-table';

const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Apollo `formatError`: domain errors (and infrastructure failures, as
 * `SERVICE_UNAVAILABLE`) get their `extensions.code` from the error table and
 * their client-safe description; GraphQL's own request errors
 * pass through; anything else is masked as INTERNAL_SERVER_ERROR and logged.
 * A data exception the database raised is BAD_USER_INPUT, logged with `warn`.
 */
export function formatGraphQLError(log: (error: unknown) => void, warn: (error: unknown) => void = log) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    // A plugin hook (e.g. the introspection gate) wraps a domain error in a GraphQLError to set the HTTP status.
    const original = unwrapped instanceof GraphQLError && unwrapped.originalError ? unwrapped.originalError : unwrapped;
    const domainError = domainErrorOf(original);
    if (domainError) {
      // An infrastructure failure is logged once, here, with its cause.
      if (domainError.code === 'service_unavailable') log(domainError.cause ?? domainError);
      else if (isRefusedByDatabase(domainError)) warn(domainError.cause);
      const mapping = ERROR_TABLE[domainError.code];
      return {
        message: domainError.description,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: mapping.graphqlCode, ...(domainError.field ? { field: domainError.field } : {}) },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    log(original);
    return { message: GENERIC_SERVER_ERROR, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
