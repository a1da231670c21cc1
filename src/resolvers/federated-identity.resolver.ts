import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { FederatedIdentityType, toFederatedIdentityType } from '../schema/types/federated-identity.type';
import { MeType } from '../schema/types/me.type';
import { UserType } from '../schema/types/user.type';

/** Links of users to upstream identities (issue 23): admins see and remove those of their subtree (FederatedIdentityService). */
@Resolver(() => UserType)
export class UserFederatedIdentitiesResolver {
  @FieldResolver(() => [FederatedIdentityType], {
    description: 'The user’s links to upstream identities (sign-in through an identity provider), oldest first.',
  })
  async federatedIdentities(@Root() user: UserType, @Ctx() ctx: GraphQLContext): Promise<FederatedIdentityType[]> {
    return (await ctx.domain.federatedIdentities.listFor(requireActor(ctx), user.id)).map(toFederatedIdentityType);
  }

  @Mutation(() => FederatedIdentityType, {
    description:
      'Removes a link of a user of the caller’s subtree to an upstream identity (audited); refused (CONFLICT) when it is the user’s last way to sign in (no password, passkey or other link). Returns the removed link.',
  })
  async unlinkFederatedIdentity(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<FederatedIdentityType> {
    return toFederatedIdentityType(await ctx.domain.federatedIdentities.unlinkFor(requireActor(ctx), id, ctx.scope));
  }
}

@Resolver(() => MeType)
export class MeFederatedIdentitiesResolver {
  @FieldResolver(() => [FederatedIdentityType], {
    description: 'The token’s user’s links to upstream identities, oldest first (empty for client tokens).',
  })
  async federatedIdentities(@Ctx() ctx: GraphQLContext): Promise<FederatedIdentityType[]> {
    return (await ctx.domain.federatedIdentities.mine(requireActor(ctx))).map(toFederatedIdentityType);
  }
}
