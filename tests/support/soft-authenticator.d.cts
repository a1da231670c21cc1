import type { KeyObject } from 'node:crypto';

/** A software WebAuthn authenticator (tests/support/soft-authenticator.cjs), shared by the tests and the bench. */
export interface SoftAuthenticatorOptions {
  rpId: string;
  origin: string;
  /** Start value of the signature counter; with 0 and `counting: false` it stays 0 (as synced passkeys do). */
  counter?: number;
  counting?: boolean;
  userVerified?: boolean;
  backupEligible?: boolean;
}

/** Parts of an assertion to bend (a forgery or a wrong context). */
export interface AssertionOverrides {
  origin?: string;
  rpId?: string;
  challenge?: string;
  counter?: number;
  type?: string;
  userVerified?: boolean;
  /** Sign with this key instead of the credential's (a forgery). */
  signingKey?: KeyObject;
  userHandle?: string;
}

export class SoftAuthenticator {
  constructor(options: SoftAuthenticatorOptions);
  readonly credentialId: Buffer;
  counter: number;
  userHandle: string | null;
  /** The credential ID, base64url. */
  get id(): string;
  /** The response `navigator.credentials.create` would give for `creation` (PublicKeyCredentialCreationOptionsJSON), as JSON. */
  register(creation: { challenge: string; user: { id: string } }, overrides?: { origin?: string; rpId?: string }): string;
  /** The response `navigator.credentials.get` would give for `challenge`, as JSON; the counter advances unless told otherwise. */
  assert(challenge: string, overrides?: AssertionOverrides): string;
}

/** The passkey options and sealed challenge of the first `data-webauthn` form of a page. */
export function passkeyFormOf(page: string): { options: { challenge: string; user?: { id: string } }; ticket: string; action: string };
