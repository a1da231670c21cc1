import { Field, ID, ObjectType } from 'type-graphql';
import type { ScimToken } from '../../domain/scim/scim-store';

@ObjectType('ScimToken', {
  simpleResolvers: true,
  description:
    'A bearer token for SCIM 2.0 provisioning at its tenant’s issuer (`{issuer}/scim/v2`); the token itself is shown once, at creation.',
})
export class ScimTokenType {
  @Field(() => ID)
  id!: string;

  @Field()
  tenantPath!: string;

  @Field()
  description!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('ScimTokenWithSecret', { simpleResolvers: true })
export class ScimTokenWithSecretType {
  @Field(() => ScimTokenType)
  scimToken!: ScimTokenType;

  @Field({ description: 'The bearer token for `{issuer}/scim/v2`; shown once, only its SHA-256 is stored.' })
  token!: string;
}

export const toScimTokenType = (token: ScimToken, tenantPath: string): ScimTokenType => ({
  id: token.id,
  tenantPath,
  description: token.description,
  createdAt: token.createdAt,
  revokedAt: token.revokedAt,
});
