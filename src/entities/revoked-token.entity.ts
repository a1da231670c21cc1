import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** A revoked access token by `jti` (RFC 7009); kept until the token would have expired anyway. */
@Entity({ tableName: 'revoked_tokens' })
export class RevokedTokenEntity {
  [OptionalProps]?: 'revokedAt';

  @PrimaryKey({ type: 'uuid' })
  jti!: string;

  @Property({ type: 'uuid' })
  tenantId!: string;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz' })
  revokedAt: Date = new Date();
}
