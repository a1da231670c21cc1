import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';

@Resolver()
export class TokenRevocationResolver {
  @Mutation(() => Boolean, {
    description:
      'Revokes an access token (by jti) or a refresh token (its whole family) of a client in the caller’s tenant subtree, as POST /revoke does (RFC 7009). ' +
      'True when the token was recognised and is now revoked; false for an unknown, malformed, expired or already inactive access token.',
  })
  async revokeToken(
    @Arg('token') token: string,
    @Arg('tokenTypeHint', () => String, { nullable: true, description: '`access_token` or `refresh_token`; other values are ignored.' })
    tokenTypeHint: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return ctx.domain.tokenRevoker.revokeAsAdmin(requireActor(ctx), token, tokenTypeHint);
  }
}
