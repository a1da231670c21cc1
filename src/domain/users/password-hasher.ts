import { Algorithm, hash, verify } from '@node-rs/argon2';
import { defaults } from '../../config/defaults';

const options = { algorithm: Algorithm.Argon2id, ...defaults.argon2 };

/** argon2id (docs/contract.md: m=19456 KiB, t=2, p=1), PHC string output. */
export const hashPassword = (password: string): Promise<string> => hash(password, options);

/** Constant-time verification inside argon2; false for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * The stored "hash" of a user without a password (made by SCIM provisioning: it signs in through
 * federation, or sets a password through a reset or invitation link). Not a PHC string, so no
 * password ever verifies against it; sign-in treats it as an unknown user (the same decoy work).
 */
export const NO_PASSWORD_HASH = '!no-password';

/**
 * Whether a stored hash can verify any password at all: a PHC string. `NO_PASSWORD_HASH`
 * (SCIM) and the marker of users made on a first federated sign-in (`!federated`) cannot.
 */
export const hasPassword = (passwordHash: string): boolean => passwordHash.startsWith('$');

/** A hash of a random password, verified against when the user does not exist, so timing does not reveal usernames. */
let decoyHash: Promise<string> | undefined;
export const decoyPasswordHash = (): Promise<string> => (decoyHash ??= hashPassword(`decoy-${Math.random()}`));
