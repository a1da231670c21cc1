import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * An opaque refresh token, stored only as its SHA-256. `rotatedAt` is set when
 * it is exchanged; presenting it again revokes its family (RFC 9700 §4.14.2).
 */
@Entity({ tableName: 'refresh_tokens' })
export class RefreshTokenEntity {
  [OptionalProps]?: 'expiresAt' | 'rotatedAt' | 'successorSealed' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'uuid' })
  @Index()
  familyId!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'text' })
  clientId!: string;

  /** Scopes this token may grant (a refresh can only narrow them). */
  @Property({ type: 'text[]' })
  scopes!: string[];

  /** Null for device-bound refresh tokens, which never expire (seed 002). */
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  rotatedAt: Date | null = null;

  /** The successor it was rotated to, sealed with the server secret; set only when its tenant has a reuse grace. */
  @Property({ type: 'text', nullable: true })
  successorSealed: string | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
