import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { IdentityProvider } from '../domain/federation/identity-provider';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import {
  CreateIdentityProviderInput,
  UpdateIdentityProviderInput,
  type ClaimMappingInput,
} from '../schema/inputs/identity-provider.inputs';
import { IdentityProviderType, toIdentityProviderType } from '../schema/types/identity-provider.type';
import { tenantPathOf } from './tenant-path-of';

const map = async (ctx: GraphQLContext, provider: IdentityProvider): Promise<IdentityProviderType> => {
  const tenantPath = await tenantPathOf(ctx.domain, provider.tenantId);
  const providers = ctx.domain.identityProviders;
  return toIdentityProviderType(provider, tenantPath, {
    redirectUri: providers.redirectUri(provider, tenantPath),
    backchannelLogoutUri: providers.backchannelLogoutUri(provider, tenantPath),
    postLogoutRedirectUri: providers.postLogoutRedirectUri(provider, tenantPath),
  });
};

/** The list form of the GraphQL input as the domain's field → claim record (a field named twice is refused by the domain). */
const mapping = (entries: ClaimMappingInput[] | null | undefined): Record<string, string> | null | undefined =>
  entries ? Object.fromEntries(entries.map((entry) => [entry.field, entry.claim])) : entries;

@Resolver(() => IdentityProviderType)
export class IdentityProviderResolver {
  @Query(() => [IdentityProviderType], { description: 'Upstream identity providers of one tenant (default: the caller’s), by alias.' })
  async identityProviders(
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<IdentityProviderType[]> {
    const providers = await ctx.domain.identityProviders.list(requireActor(ctx), tenantPath);
    return Promise.all(providers.map((provider) => map(ctx, provider)));
  }

  @Query(() => IdentityProviderType)
  async identityProvider(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<IdentityProviderType> {
    return map(ctx, await ctx.domain.identityProviders.get(requireActor(ctx), id));
  }

  @Mutation(() => IdentityProviderType, {
    description: 'URLs must be https and not private (the outbound policy); the secret is write-only.',
  })
  async createIdentityProvider(
    @Arg('input') input: CreateIdentityProviderInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<IdentityProviderType> {
    return map(ctx, await ctx.domain.identityProviders.create(requireActor(ctx), { ...input, claimMapping: mapping(input.claimMapping) }));
  }

  @Mutation(() => IdentityProviderType)
  async updateIdentityProvider(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: UpdateIdentityProviderInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<IdentityProviderType> {
    return map(
      ctx,
      await ctx.domain.identityProviders.update(requireActor(ctx), id, { ...input, claimMapping: mapping(input.claimMapping) }),
    );
  }

  @Mutation(() => IdentityProviderType, { description: 'Its federated identities go with it; their users stay.' })
  async deleteIdentityProvider(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<IdentityProviderType> {
    return map(ctx, await ctx.domain.identityProviders.delete(requireActor(ctx), id));
  }
}
