import { randomInt } from 'node:crypto';

/** RFC 8628 §3.4: the `grant_type` a device polls the token endpoint with. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** How long a device authorization request may wait for the user (RFC 8628 §3.2 `expires_in`). */
export const DEVICE_AUTHORIZATION_LIFETIME_SECONDS = 600;

/** The least time between two polls (RFC 8628 §3.2 `interval`); each `slow_down` adds {@link SLOW_DOWN_SECONDS}. */
export const POLLING_INTERVAL_SECONDS = 5;

/** RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests". */
export const SLOW_DOWN_SECONDS = 5;

/**
 * Where a device authorization stands: the user has not answered yet, approved or denied it,
 * or the device redeemed the approval (once).
 */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

/** A device authorization request as stored: the device code only as its SHA-256. */
export interface DeviceAuthorization {
  readonly id: string;
  readonly tenantId: string;
  /** The OAuth client_id the request was made by. */
  readonly clientId: string;
  readonly deviceCodeDigest: string;
  /** Normalised: 8 letters of {@link USER_CODE_ALPHABET}, no separator. */
  readonly userCode: string;
  readonly scopes: readonly string[];
  /** RFC 8707 resources of the request (API identifiers); the token request may only narrow them. */
  readonly resources: readonly string[];
  readonly status: DeviceAuthorizationStatus;
  /** The user who approved or denied it. */
  readonly userId: string | null;
  /** When that user last actively signed in (the ID Token's `auth_time`). */
  readonly authTime: Date | null;
  /** RFC 8176 methods of that sign-in and the class it reached (the ID Token's `amr` and `acr`); empty and null before approval. */
  readonly amr: readonly string[];
  readonly acr: string | null;
  readonly expiresAt: Date;
  readonly lastPolledAt: Date | null;
  readonly intervalSeconds: number;
}

/**
 * The user code's alphabet (RFC 8628 §6.1): upper-case consonants without the look-alikes
 * and vowels (no words), so a code reads out and types unambiguously. 20^8 codes ≈ 34.5 bits;
 * guessing is throttled per source at the verification page.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;

/** A fresh user code (normalised form), each letter drawn uniformly. */
export function generateUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** How a user code is shown: `XXXX-XXXX`. */
export const formatUserCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * What the user typed, as a stored code: case-insensitive, dashes and white space ignored;
 * null when it cannot be a user code at all (wrong length or a letter outside the alphabet).
 */
export function normalizeUserCode(input: string | undefined): string | null {
  if (input === undefined || input.length > 64) return null;
  const code = input.replace(/[\s-]+/g, '').toUpperCase();
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const letter of code) if (!USER_CODE_ALPHABET.includes(letter)) return null;
  return code;
}
