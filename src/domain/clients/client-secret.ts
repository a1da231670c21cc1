import { hasControlCharacter } from '../control-characters';
import { errors } from '../errors';
import { randomToken } from '../crypto/random';

export const MIN_SUPPLIED_SECRET_LENGTH = 20;
const MAX_SUPPLIED_SECRET_LENGTH = 512;

/**
 * A supplied secret (seed 001, ADMIN_CLIENT_SECRET) must be 20-512 characters,
 * without control characters, and not one character repeated; otherwise the
 * server generates 256 random bits.
 */
export function chooseClientSecret(supplied: string | null | undefined, field = 'clientSecret'): string {
  if (supplied === undefined || supplied === null) return randomToken(32);
  const weakness = secretWeakness(supplied);
  if (weakness) throw errors.validation(field, weakness);
  return supplied;
}

/** Why a supplied secret is refused (see {@link chooseClientSecret}), or null; shared with the ADMIN_CLIENT_SECRET check. */
export function secretWeakness(supplied: string): string | null {
  if (supplied.length < MIN_SUPPLIED_SECRET_LENGTH) return `must be at least ${MIN_SUPPLIED_SECRET_LENGTH} characters`;
  if (supplied.length > MAX_SUPPLIED_SECRET_LENGTH) return `must be at most ${MAX_SUPPLIED_SECRET_LENGTH} characters`;
  if (hasControlCharacter(supplied)) return 'must not contain control characters';
  if (new Set(supplied).size === 1) return 'must not be one character repeated';
  return null;
}
