import { DomainError, isDomainError } from '../errors';

/**
 * Runs `operation`, renaming the field of a validation error from the domain's
 * name to the one the seed document uses (`clientSecret` → `client_secret`),
 * so a seed client is told which of its own fields is at fault.
 */
export async function withSeedFieldNames<T>(names: Readonly<Record<string, string>>, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'validation_failed' || !error.field || !names[error.field]) throw error;
    const field = names[error.field]!;
    const reason = error.description.startsWith(`${error.field}: `) ? error.description.slice(error.field.length + 2) : error.description;
    throw new DomainError('validation_failed', `${field}: ${reason}`, { field, cause: error });
  }
}
