import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** A signed-in browser (cookie holds 256 random bits; only the SHA-256 is stored). */
@Entity({ tableName: 'browser_sessions' })
export class BrowserSessionEntity {
  [OptionalProps]?: 'createdAt' | 'endedAt' | 'amr' | 'acr';

  @PrimaryKey({ type: 'text' })
  idHash!: string;

  /** The session's public id (random, not derived from the cookie): the `sid` of its ID tokens. */
  @Property({ type: 'text', unique: true })
  sid!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'uuid' })
  @Index()
  userId!: string;

  @Property({ type: 'timestamptz' })
  authTime!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  /** RFC 8176 methods of the sign-in. */
  @Property({ type: 'text[]' })
  amr: string[] = ['pwd'];

  @Property({ type: 'text', nullable: true })
  acr: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  endedAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
