import { defaults } from '../../config/defaults';
import { ensure, errors } from '../errors';

/** Whole days a scheduled rotation period may span. */
const MAX_KEY_ROTATION_DAYS = 3650;
/** The longest publication window a tenant may ask for (seconds): a week. */
const MAX_KEY_PUBLICATION_SECONDS = 7 * 86400;

/** A tenant's signing-key rotation policy; the keys' algorithm is the tenant's `signingAlgorithm`. */
export interface KeyRotationPolicy {
  /** A new key every this many days (counted from the current key's activation); 0: manual rotation only. */
  readonly keyRotationDays: number;
  /** How long a new key is in the JWKS before it signs: at least the JWKS max-age plus the cache TTL (`defaults.keyPublicationSeconds`). */
  readonly keyPublicationSeconds: number;
}

/**
 * The longest lifetime (seconds) of a token a tenant's keys sign and verifiers check against the JWKS:
 * access tokens (the longest of its clients', else the default) and ID tokens (device sign-ins' last longest).
 * Refresh tokens are opaque handles the server looks up, never verified with a signing key, so they do not count.
 */
export const longestSignedTokenLifetime = (longestClientAccessToken: number | null): number =>
  Math.max(
    longestClientAccessToken ?? 0,
    defaults.accessTokenLifetimeSeconds,
    defaults.idTokenLifetimeSeconds,
    defaults.deviceIdTokenLifetimeSeconds,
  );

/**
 * Checks a policy against the tenant's longest signed-token lifetime: a period no longer than that
 * lifetime plus the publication window would publish ever more keys at once (each stays until its
 * tokens expire), and the next key would be published before its predecessor even signs.
 */
export function validateKeyRotationPolicy(policy: KeyRotationPolicy, longestTokenLifetimeSeconds: number, at = ''): KeyRotationPolicy {
  const { keyRotationDays: days, keyPublicationSeconds: publication } = policy;
  ensure(Number.isInteger(publication) && publication >= defaults.keyPublicationSeconds && publication <= MAX_KEY_PUBLICATION_SECONDS, () =>
    errors.validation(
      `${at}keyPublicationSeconds`,
      `must be a whole number of seconds between ${defaults.keyPublicationSeconds} (the JWKS max-age plus the cache TTL) and ${MAX_KEY_PUBLICATION_SECONDS}`,
    ),
  );
  ensure(Number.isInteger(days) && days >= 0 && days <= MAX_KEY_ROTATION_DAYS, () =>
    errors.validation(
      `${at}keyRotationDays`,
      `must be a whole number of days between 0 (manual rotation only) and ${MAX_KEY_ROTATION_DAYS}`,
    ),
  );
  const floor = longestTokenLifetimeSeconds + publication;
  ensure(days === 0 || days * 86400 > floor, () =>
    errors.validation(
      `${at}keyRotationDays`,
      `must be longer than the longest token lifetime (${longestTokenLifetimeSeconds} s) plus the publication window (${publication} s): at least ${Math.floor(floor / 86400) + 1} days`,
    ),
  );
  return policy;
}
