import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { SecondFactorsType, toSecondFactorsType } from '../schema/types/second-factor.type';

@Resolver()
export class SecondFactorResolver {
  @Query(() => SecondFactorsType, { description: 'The second factors (TOTP) and unused recovery codes of a user of the caller’s subtree.' })
  async userSecondFactors(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<SecondFactorsType> {
    return toSecondFactorsType(await ctx.domain.secondFactors.listFor(requireActor(ctx), userId));
  }

  @Mutation(() => Int, {
    description:
      'Removes every second factor and recovery code of the user (a lost phone); audited. Returns how many factors were removed. Under policy REQUIRED the user enrols again at the next sign-in.',
  })
  async resetUserSecondFactors(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.domain.secondFactors.resetFor(requireActor(ctx), userId, ctx.scope);
  }
}
