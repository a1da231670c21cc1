import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { SigningAlgorithm } from '../domain/keys/signing-algorithm';

export type SigningKeyStatus = 'active' | 'retired';

/** A tenant's signing key; the private half is sealed with the server secret. */
@Entity({ tableName: 'signing_keys' })
export class SigningKeyEntity {
  [OptionalProps]?: 'status' | 'createdAt' | 'retiredAt' | 'publishUntil';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Index()
  tenantId!: string;

  @Property({ type: 'text', unique: true })
  kid!: string;

  @Property({ type: 'text' })
  algorithm!: SigningAlgorithm;

  @Property({ type: 'jsonb' })
  publicJwk!: Record<string, unknown>;

  @Property({ type: 'text', lazy: true })
  sealedPrivateJwk!: string;

  @Property({ type: 'text' })
  status: SigningKeyStatus = 'active';

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** When it starts signing; until then it is only published (see src/domain/keys/signing-key-store.ts). */
  @Property({ type: 'timestamptz' })
  activatesAt!: Date;

  /** When it stops (or stopped) signing: its successor's `activatesAt`. */
  @Property({ type: 'timestamptz', nullable: true })
  retiredAt: Date | null = null;

  /** A retired key stays in the JWKS until every token it signed has expired. */
  @Property({ type: 'timestamptz', nullable: true })
  publishUntil: Date | null = null;
}
