import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

import type { SigningAlgorithm } from '../domain/keys/signing-algorithm';
import type { SecurityProfile } from '../domain/profiles/security-profiles';
import type { MfaPolicy } from '../domain/mfa/second-factor-policy';

export type { SigningAlgorithm };

/** A node of the tenant tree, addressed by path: `/`, `/acme`, `/acme/eu`. */
@Entity({ tableName: 'tenants' })
export class TenantEntity {
  [OptionalProps]?:
    | 'signingAlgorithm'
    | 'allowSelfSignup'
    | 'allowOpenClientRegistration'
    | 'requirePushedAuthorizationRequests'
    | 'securityProfile'
    | 'mfaPolicy'
    | 'mfaRequiredRoles'
    | 'refreshReuseGraceSeconds'
    | 'keyRotationDays'
    | 'keyPublicationSeconds'
    | 'createdAt'
    | 'updatedAt'
    | 'tokensRevokedBefore'
    | 'parentId';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  path!: string;

  @Property({ type: 'uuid', nullable: true })
  @Index()
  parentId: string | null = null;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text' })
  signingAlgorithm: SigningAlgorithm = 'RS256';

  @Property({ type: 'boolean' })
  allowSelfSignup = false;

  /** Clients may register without an initial access token (RFC 7591 open registration). */
  @Property({ type: 'boolean' })
  allowOpenClientRegistration = false;

  /** RFC 9126 §6: every client of this tenant pushes its authorization requests (`/par`) first. */
  @Property({ type: 'boolean' })
  requirePushedAuthorizationRequests = false;

  /** The security profile of every client of this tenant but the server's own (`NONE` or `FAPI2`). */
  @Property({ type: 'text' })
  securityProfile: SecurityProfile = 'NONE';

  /** Second factor policy: `OFF`, `OPTIONAL` or `REQUIRED` (src/domain/mfa/second-factor-policy.ts). */
  @Property({ type: 'text' })
  mfaPolicy: MfaPolicy = 'OPTIONAL';

  /** With `REQUIRED`: only holders of these roles (`admin` included) must use a second factor; empty: everyone. */
  @Property({ type: 'text[]' })
  mfaRequiredRoles: string[] = [];

  /** Seconds after a rotation within which the rotated refresh token gets the same successor again; 0: strict. */
  @Property({ type: 'integer' })
  refreshReuseGraceSeconds = 0;
  /** Scheduled signing-key rotation: a new key every this many days; 0: manual rotation only. */
  @Property({ type: 'integer' })
  keyRotationDays = 0;

  /** How long a new signing key is in the JWKS before it signs (seconds). */
  @Property({ type: 'integer' })
  keyPublicationSeconds = 360;

  /** Batch revocation cutoff: tokens issued before it are inactive (seed 003). */
  @Property({ type: 'timestamptz', nullable: true })
  tokensRevokedBefore: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
