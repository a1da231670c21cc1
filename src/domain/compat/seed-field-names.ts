import { DomainError, isDomainError } from '../errors';

/**
 * Runs `operation`, renaming the field of a validation error or a conflict
 * from the domain's name to the one the seed document uses (`clientSecret` →
 * `client_secret`, `clientId "x" is not available` → `client_id "x" is not
 * available`), so a seed client is told which of its own fields is at fault.
 */
export async function withSeedFieldNames<T>(names: Readonly<Record<string, string>>, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!isDomainError(error) || (error.code !== 'validation_failed' && error.code !== 'conflict') || !error.field || !names[error.field])
      throw error;
    const field = names[error.field]!;
    const separator = error.code === 'validation_failed' ? ': ' : ' ';
    const reason = error.description.startsWith(`${error.field}${separator}`)
      ? error.description.slice(error.field.length + separator.length)
      : error.description;
    throw new DomainError(error.code, `${field}${separator}${reason}`, { field, cause: error });
  }
}
