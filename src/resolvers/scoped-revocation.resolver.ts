import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';

const COUNT = 'Returns the number of still-unexpired tokens (access, refresh, device) it made inactive.';

/** Revocation by scope (docs/contract.md "Tokens": revocation is enforced); admins within their subtree. */
@Resolver()
export class ScopedRevocationResolver {
  @Mutation(() => Int, {
    description: `revokeToken with a count: 1 for an active access token, a refresh token's whole family otherwise. ${COUNT}`,
  })
  async revokeTokenCount(
    @Arg('token') token: string,
    @Arg('tokenTypeHint', () => String, { nullable: true }) tokenTypeHint: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<number> {
    return ctx.domain.scopedRevocation.revokeToken(requireActor(ctx), token, tokenTypeHint);
  }

  @Mutation(() => Int, {
    description: `Every token of a user issued until now (disabling the user does the same); also ends every browser session the user began before now. ${COUNT}`,
  })
  async revokeUserTokens(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.domain.users.revokeTokens(requireActor(ctx), userId);
  }

  @Mutation(() => Int, {
    description: `Every token of a client, its users' included, issued until now (disabling the client does the same). ${COUNT}`,
  })
  async revokeClientTokens(@Arg('clientId') clientId: string, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.domain.scopedRevocation.revokeClientTokens(requireActor(ctx), clientId);
  }

  @Mutation(() => Int, {
    description: `Every token of the tenant and its subtree issued before \`before\` (a future time counts as now); seed 003 batch revocation. ${COUNT}`,
  })
  async revokeTokensIssuedBefore(
    @Arg('tenantPath') tenantPath: string,
    @Arg('before') before: Date,
    @Ctx() ctx: GraphQLContext,
  ): Promise<number> {
    return ctx.domain.scopedRevocation.revokeIssuedBefore(requireActor(ctx), tenantPath, before);
  }
}
