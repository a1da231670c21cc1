import type { User } from '../users/user';

/** A stored refresh token with the state of its family and user, as one query reads it. */
export interface RefreshTokenRecord {
  readonly id: string;
  readonly familyId: string;
  readonly tenantId: string;
  /** The OAuth client_id the token was issued to. */
  readonly clientId: string;
  readonly userId: string | null;
  readonly deviceId: string | null;
  /** The grant's scopes; a refresh may only narrow them (RFC 6749 §6). */
  readonly scopes: readonly string[];
  /** RFC 8707 resources (API identifiers) the grant was given; a refresh may narrow to them. */
  readonly resources?: readonly string[];
  readonly authTime: Date | null;
  /** RFC 8176 methods and acr of the original sign-in; absent for families from before. */
  readonly amr?: readonly string[];
  readonly acr?: string | null;
  /** The browser session the family's code was issued under (the ID token's `sid`); null for other grants. */
  readonly sessionSid?: string | null;
  /** RFC 9449 §5: a refresh must come with a DPoP proof of this key (thumbprint); null when the family is unbound. */
  readonly dpopJkt?: string | null;
  /** Null for device-bound tokens, which never expire (seed 002). */
  readonly expiresAt: Date | null;
  readonly rotatedAt: Date | null;
  /** The successor it was rotated to, sealed with the server secret (only under a tenant's reuse grace). */
  readonly successorSealed?: string | null;
  readonly createdAt: Date;
  readonly familyRevokedAt: Date | null;
  /** Null when the family has no user or the user is gone. */
  readonly userEnabled: boolean | null;
  /** The family's user, read in the same query; null for client families or a deleted user. */
  readonly user: User | null;
  /** The latest user or client cutoff (revokeUserTokens, revokeClientTokens); tokens created before it are revoked. */
  readonly scopeCutoffAt: Date | null;
}
