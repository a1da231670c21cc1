import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { CreateInitialAccessTokenInput } from '../schema/inputs/initial-access-token.inputs';
import {
  InitialAccessTokenType,
  InitialAccessTokenWithSecretType,
  toInitialAccessTokenType,
} from '../schema/types/initial-access-token.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { mapWithTenantPaths, tenantPathOf } from './tenant-path-of';

/** Initial access tokens for dynamic client registration (src/domain/registration/initial-access-tokens.ts). */
@Resolver(() => InitialAccessTokenType)
export class InitialAccessTokenResolver {
  @Query(() => [InitialAccessTokenType], { description: 'Initial access tokens of one tenant (default: the caller’s), newest first.' })
  async initialAccessTokens(
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InitialAccessTokenType[]> {
    const tokens = await ctx.domain.initialAccessTokens.list(requireActor(ctx), tenantPath);
    return mapWithTenantPaths(ctx.domain, tokens, toInitialAccessTokenType);
  }

  @Mutation(() => InitialAccessTokenWithSecretType, { description: 'The token is returned once and never again.' })
  async createInitialAccessToken(
    @Arg('input') input: CreateInitialAccessTokenInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InitialAccessTokenWithSecretType> {
    const { tenantPath, description, expiresIn, maxUses, ...policy } = input;
    const created = await ctx.domain.initialAccessTokens.create(requireActor(ctx), { tenantPath, description, expiresIn, maxUses, policy });
    const path = await tenantPathOf(ctx.domain, created.initialAccessToken.tenantId);
    return { initialAccessToken: toInitialAccessTokenType(created.initialAccessToken, path), token: created.token };
  }

  @Mutation(() => InitialAccessTokenType, { description: 'Registrations with it are refused from now on; clients it registered stay.' })
  async revokeInitialAccessToken(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<InitialAccessTokenType> {
    const revoked = await ctx.domain.initialAccessTokens.revoke(requireActor(ctx), id);
    return toInitialAccessTokenType(revoked, await tenantPathOf(ctx.domain, revoked.tenantId));
  }
}
