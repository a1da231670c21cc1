import { DomainError, errors, isDomainError } from '../domain/errors';
import { isDataException, isInfrastructureFailure } from '../data/infrastructure-failure';

const DATA_EXCEPTION = 'the database refused a value (SQLSTATE class 22)';

/**
 * What a thrown value means to a caller: a domain error as it is, an
 * infrastructure failure (database unreachable) as `service_unavailable`, a
 * PostgreSQL data exception that slipped past validation as `invalid_request`
 * (a safety net: logged as a warning, see {@link isRefusedByDatabase}),
 * anything else null (a bug: answered as a generic server error and logged).
 */
export function domainErrorOf(error: unknown): DomainError | null {
  if (isDomainError(error)) return error;
  if (isInfrastructureFailure(error)) return errors.serviceUnavailable(error);
  if (isDataException(error))
    return new DomainError('invalid_request', 'a value in the request is not valid', { cause: error, detail: DATA_EXCEPTION });
  return null;
}

/** True for the `invalid_request` that {@link domainErrorOf} made of a data exception: worth a warning, since validation missed it. */
export const isRefusedByDatabase = (error: DomainError): boolean => error.detail === DATA_EXCEPTION;
