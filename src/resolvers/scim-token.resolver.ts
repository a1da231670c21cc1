import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ScimTokenType, ScimTokenWithSecretType, toScimTokenType } from '../schema/types/scim-token.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { mapWithTenantPaths, tenantPathOf } from './tenant-path-of';

/** SCIM provisioning tokens (src/domain/scim/scim-tokens.ts): scope `admin`, the actor's subtree. */
@Resolver(() => ScimTokenType)
export class ScimTokenResolver {
  @Query(() => [ScimTokenType], { description: 'SCIM tokens of one tenant (default: the caller’s), newest first.' })
  async scimTokens(
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ScimTokenType[]> {
    const tokens = await ctx.domain.scimTokens.list(requireActor(ctx), tenantPath);
    return mapWithTenantPaths(ctx.domain, tokens, toScimTokenType);
  }

  @Mutation(() => ScimTokenWithSecretType, {
    description: 'A bearer token for the tenant’s SCIM endpoints (`{issuer}/scim/v2`); returned once and never again.',
  })
  async createScimToken(
    @Arg('tenantPath', () => String, { nullable: true, description: 'Default: the caller’s tenant.' }) tenantPath: string | null,
    @Arg('description', () => String, { nullable: true, description: 'What it is for (shown in lists).' }) description: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ScimTokenWithSecretType> {
    const created = await ctx.domain.scimTokens.create(requireActor(ctx), { tenantPath, description });
    return {
      scimToken: toScimTokenType(created.scimToken, await tenantPathOf(ctx.domain, created.scimToken.tenantId)),
      token: created.token,
    };
  }

  @Mutation(() => ScimTokenType, { description: 'SCIM requests with it are refused (401) from now on.' })
  async revokeScimToken(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ScimTokenType> {
    const revoked = await ctx.domain.scimTokens.revoke(requireActor(ctx), id);
    return toScimTokenType(revoked, await tenantPathOf(ctx.domain, revoked.tenantId));
  }
}
