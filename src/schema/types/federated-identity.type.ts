import { Field, ID, ObjectType } from 'type-graphql';
import type { LinkedIdentity } from '../../domain/federation/federated-identity.service';

@ObjectType('FederatedIdentity', {
  simpleResolvers: true,
  description: 'A link of a user to an upstream identity (the provider’s `iss` + `sub`): signing in there signs in as the user.',
})
export class FederatedIdentityType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  userId!: string;

  @Field({ description: 'The identity provider’s alias in the tenant.' })
  providerAlias!: string;

  @Field({ description: 'The identity provider’s display name.' })
  providerName!: string;

  @Field({ description: 'The upstream `iss`.' })
  issuer!: string;

  @Field({ description: 'The upstream `sub`.' })
  subject!: string;

  @Field()
  linkedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'The last sign-in through the link; null when none since it was made.' })
  lastUsedAt!: Date | null;
}

export const toFederatedIdentityType = (identity: LinkedIdentity): FederatedIdentityType => ({
  id: identity.id,
  userId: identity.userId,
  providerAlias: identity.providerAlias,
  providerName: identity.providerName,
  issuer: identity.issuer,
  subject: identity.subject,
  linkedAt: identity.linkedAt,
  lastUsedAt: identity.lastUsedAt,
});
