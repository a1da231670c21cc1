/**
 * RFC 8176 Authentication Method Reference values this server records, and its Authentication
 * Context Class References (OIDC Core §2 `acr`): `…:pwd` for a password alone, `…:mfa` once a
 * second factor was verified. `acr_values` naming the MFA class forces the second factor.
 *
 * WebAuthn credentials (passkeys, security keys) are recorded as `hwk` (proof of possession of a
 * key held by an authenticator): with attestation `none` the server cannot tell a platform or
 * roaming authenticator from a software one, and `hwk` names what the protocol proves. A passkey
 * alone is verified with user verification required (the authenticator's PIN or biometric), so it
 * is itself two factors (something held, something known or been): `hwk user mfa`, class MFA.
 * A passkey after the password (user verification optional, as security keys without a PIN give)
 * is `pwd hwk mfa`.
 */
type AuthenticationMethod = 'pwd' | 'otp' | 'hwk' | 'user' | 'mfa';

const ACR_PASSWORD = 'urn:tenant-idp:acr:pwd';
const ACR_MFA = 'urn:tenant-idp:acr:mfa';
/** The classes discovery lists (`acr_values_supported`), weakest first. */
export const ACR_VALUES_SUPPORTED: readonly string[] = [ACR_PASSWORD, ACR_MFA];

/** How a browser session (and the tokens issued from it) was authenticated. */
export interface Authentication {
  readonly amr: readonly AuthenticationMethod[];
  readonly acr: string;
}

export const PASSWORD_ONLY: Authentication = Object.freeze({ amr: Object.freeze(['pwd'] as const), acr: ACR_PASSWORD });
export const PASSWORD_AND_OTP: Authentication = Object.freeze({ amr: Object.freeze(['pwd', 'otp', 'mfa'] as const), acr: ACR_MFA });
/** A passkey with user verification, on its own (discoverable credential). */
export const PASSKEY_ONLY: Authentication = Object.freeze({ amr: Object.freeze(['hwk', 'user', 'mfa'] as const), acr: ACR_MFA });
/** A passkey or security key as the second factor after the password. */
export const PASSWORD_AND_PASSKEY: Authentication = Object.freeze({ amr: Object.freeze(['pwd', 'hwk', 'mfa'] as const), acr: ACR_MFA });

/** Whether an authentication included a verified second factor. */
export const isMultiFactor = (amr: readonly string[] | null | undefined): boolean => (amr ?? []).includes('mfa');

/** Whether the request's `acr_values` ask for the MFA class (voluntary in OIDC, enforced here). */
export const asksForMfa = (acrValues: readonly string[] | null | undefined): boolean => (acrValues ?? []).includes(ACR_MFA);
