import { hasControlCharacter } from '../control-characters';
import { ensure, errors } from '../errors';

export interface UserProfile {
  email?: string | null;
  phone?: string | null;
  firstname?: string | null;
  lastname?: string | null;
}

const USERNAME = /^[A-Za-z0-9._@+-]{1,128}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{3,32}$/;

export function validateUsername(username: string): string {
  ensure(USERNAME.test(username), () => errors.validation('username', 'must be 1-128 characters of letters, digits and . _ @ + -'));
  return username;
}

/**
 * Password policy: 8 to 1024 characters counted as Unicode code points after
 * NFKC normalisation (NIST SP 800-63B §5.1.1.2). Returns the normalised value,
 * which is what gets hashed and later verified.
 */
export function validatePassword(password: string, field = 'password'): string {
  const normalized = typeof password === 'string' ? password.normalize('NFKC') : '';
  const length = [...normalized].length;
  ensure(length >= 8 && length <= 1024, () => errors.validation(field, 'must be 8-1024 characters'));
  ensure(!hasControlCharacter(normalized, true), () => errors.validation(field, 'must not contain control characters other than tab'));
  return normalized;
}

/** Validates seed 001's profile fields; empty strings clear a field. */
export function validateUserProfile(input: UserProfile): UserProfile {
  const out: UserProfile = {};
  const text = (field: keyof UserProfile, pattern?: RegExp) => {
    const value = input[field];
    if (value === undefined) return;
    if (value === null || value.trim() === '') {
      out[field] = null;
      return;
    }
    const trimmed = value.trim();
    ensure(trimmed.length <= 200, () => errors.validation(field, 'must be at most 200 characters'));
    ensure(!hasControlCharacter(trimmed), () => errors.validation(field, 'must not contain control characters'));
    ensure(!pattern || pattern.test(trimmed), () => errors.validation(field, 'is not valid'));
    out[field] = trimmed;
  };
  text('email', EMAIL);
  text('phone', PHONE);
  text('firstname');
  text('lastname');
  return out;
}
