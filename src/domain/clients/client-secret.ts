import { errors } from '../errors';
import { randomToken } from '../crypto/random';

export const MIN_SUPPLIED_SECRET_LENGTH = 20;

/** A supplied secret (seed 001, ADMIN_CLIENT_SECRET) must be at least 20 characters; otherwise 256 random bits. */
export function chooseClientSecret(supplied: string | null | undefined, field = 'clientSecret'): string {
  if (supplied === undefined || supplied === null) return randomToken(32);
  if (supplied.length < MIN_SUPPLIED_SECRET_LENGTH) {
    throw errors.validation(field, `must be at least ${MIN_SUPPLIED_SECRET_LENGTH} characters`);
  }
  return supplied;
}
