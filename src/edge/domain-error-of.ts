import { errors, isDomainError, type DomainError } from '../domain/errors';
import { isInfrastructureFailure } from '../data/infrastructure-failure';

/**
 * What a thrown value means to a caller: a domain error as it is, an
 * infrastructure failure (database unreachable) as `service_unavailable`,
 * anything else null (a bug: answered as a generic server error and logged).
 */
export function domainErrorOf(error: unknown): DomainError | null {
  if (isDomainError(error)) return error;
  if (isInfrastructureFailure(error)) return errors.serviceUnavailable(error);
  return null;
}
