import type { SigningAlgorithm } from '../keys/signing-algorithm';
import type { SecurityProfile } from '../profiles/security-profiles';
import type { MfaPolicy } from '../mfa/second-factor-policy';

/** Immutable snapshot of a tenant, safe to cache and share across requests. */
export interface Tenant {
  readonly id: string;
  readonly path: string;
  readonly parentId: string | null;
  readonly name: string;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly allowSelfSignup: boolean;
  /** Whether clients may register at the tenant's registration endpoint without an initial access token (RFC 7591 §3, open registration). */
  readonly allowOpenClientRegistration: boolean;
  /** RFC 9126 §6 for every client of the tenant: `/authorize` takes only a request_uri from `/par`. */
  readonly requirePushedAuthorizationRequests: boolean;
  /** The security profile every client of the tenant is held to, but the server's own (src/domain/profiles/security-profile.ts). */
  readonly securityProfile: SecurityProfile;
  /** Second factor policy (src/domain/mfa/second-factor-policy.ts). */
  readonly mfaPolicy: MfaPolicy;
  /** With `REQUIRED`: the roles whose holders must use a second factor (`admin` included); empty means everyone. */
  readonly mfaRequiredRoles: readonly string[];
  /**
   * Refresh-token reuse grace (src/domain/tokens/refresh-reuse-grace.ts): for this many seconds after a rotation,
   * presenting the rotated token again returns the same successor instead of revoking the family; 0: strict rotation.
   */
  readonly refreshReuseGraceSeconds: number;
  /** Scheduled signing-key rotation: a new key every this many days; 0: manual only (src/domain/keys/key-rotation-policy.ts). */
  readonly keyRotationDays: number;
  /** How long a new signing key is in the JWKS before it signs (seconds). */
  readonly keyPublicationSeconds: number;
  readonly tokensRevokedBefore: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS256', 'ES256', 'EdDSA'];
