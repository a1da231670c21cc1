import { errors } from './errors';

/**
 * The domain's notion of "a write broke a uniqueness rule" (a taken username,
 * client id or tenant path). The data layer marks the errors it raises for
 * that with {@link markUniqueViolation} (src/data/unique-violation.ts), so the
 * domain recognises them without knowing the ORM's or the driver's error types.
 */
const UNIQUE_VIOLATION = Symbol('uniqueViolation');

/** Marks `error` as a unique violation; returns it. */
export function markUniqueViolation<E extends object>(error: E): E {
  Object.defineProperty(error, UNIQUE_VIOLATION, { value: true });
  return error;
}

export const isUniqueViolation = (error: unknown): boolean => typeof error === 'object' && error !== null && UNIQUE_VIOLATION in error;

/** Runs a write, turning a unique-constraint violation into `validation_failed` (BAD_USER_INPUT) naming `field`. */
export async function refuseUniqueViolation<T>(write: () => Promise<T>, field: string, description: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.validation(field, description);
    throw error;
  }
}

/** Runs a write, turning a unique-constraint violation into a `conflict` error (naming `field` when given). */
export async function mapUniqueViolation<T>(write: () => Promise<T>, description: string, field?: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw errors.conflict(description, field);
    throw error;
  }
}
