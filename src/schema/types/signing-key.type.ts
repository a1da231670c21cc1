import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { SigningKeyInfo } from '../../domain/keys/signing-key';
import { SigningAlgorithmEnum } from './tenant.type';

@ObjectType('SigningKey', { simpleResolvers: true, description: 'A tenant signing key; only public parts are exposed.' })
export class SigningKeyType {
  @Field()
  kid!: string;

  @Field(() => SigningAlgorithmEnum)
  algorithm!: SigningAlgorithmEnum;

  @Field({
    description:
      'Now: `pending` is in the JWKS but signs from `activatesAt` on; `active` signs new tokens; `retired` no longer signs and stays in the JWKS until `publishUntil`.',
  })
  status!: string;

  @Field()
  createdAt!: Date;

  @Field({
    description:
      'When it starts signing: at once for a tenant’s first key, else after its publication window (defaults.keyPublicationSeconds, ≥ the JWKS max-age).',
  })
  activatesAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it stops (or stopped) signing: the next key’s `activatesAt`.' })
  retiredAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'A retired key stays in the JWKS until then.' })
  publishUntil!: Date | null;

  @Field(() => GraphQLJSONObject, { description: 'The public JWK as published in /.well-known/jwks.json.' })
  publicJwk!: Record<string, unknown>;
}

export const toSigningKeyType = (key: SigningKeyInfo): SigningKeyType => ({
  kid: key.kid,
  algorithm: key.algorithm as SigningAlgorithmEnum,
  status: key.status,
  createdAt: key.createdAt,
  activatesAt: key.activatesAt,
  retiredAt: key.retiredAt,
  publishUntil: key.publishUntil,
  publicJwk: key.publicJwk,
});
