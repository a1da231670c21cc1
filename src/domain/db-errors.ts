import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { errors } from './errors';

/** Runs a write, turning a unique-constraint violation into a `conflict` error (naming `field` when given). */
export async function mapUniqueViolation<T>(write: () => Promise<T>, description: string, field?: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw errors.conflict(description, field);
    throw error;
  }
}
