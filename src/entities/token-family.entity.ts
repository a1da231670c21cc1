import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * One grant's chain of refresh tokens (RFC 9700 §4.14.2): every rotation stays
 * in the family; revoking the family makes every refresh token in it and every
 * access token that carries its id (`sid` claim) inactive.
 */
@Entity({ tableName: 'token_families' })
export class TokenFamilyEntity {
  [OptionalProps]?:
    'userId' | 'deviceId' | 'revokedAt' | 'createdAt' | 'authTime' | 'nonce' | 'resources' | 'dpopJkt' | 'amr' | 'acr' | 'sessionSid';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Index()
  tenantId!: string;

  /** The OAuth client_id the grant was made to. */
  @Property({ type: 'text' })
  clientId!: string;

  @Property({ type: 'uuid', nullable: true })
  @Index()
  userId: string | null = null;

  /** Seed 002 device the family is bound to, if any. */
  @Property({ type: 'uuid', nullable: true })
  deviceId: string | null = null;

  @Property({ type: 'text[]' })
  scopes!: string[];

  /** RFC 8707 resources (API identifiers) the grant was given; a refresh may narrow to one of them. */
  @Property({ type: 'text[]' })
  resources: string[] = [];

  /** OIDC `auth_time` of the sign-in behind the grant. */
  @Property({ type: 'timestamptz', nullable: true })
  authTime: Date | null = null;

  @Property({ type: 'text', nullable: true })
  nonce: string | null = null;

  /** RFC 9449 §5: the DPoP key (thumbprint) a public client's refresh tokens are bound to; null when unbound. */
  @Property({ type: 'text', nullable: true })
  dpopJkt: string | null = null;

  /** RFC 8176 methods and acr of the sign-in behind the grant: a refresh keeps them, never raises them. */
  @Property({ type: 'text[]' })
  amr: string[] = [];

  @Property({ type: 'text', nullable: true })
  acr: string | null = null;

  /** The browser session the family's code was issued under (`browser_sessions.sid`); null for other grants. */
  @Property({ type: 'text', nullable: true })
  sessionSid: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
