import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Api } from '../domain/apis/api';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { CreateApiInput, UpdateApiInput } from '../schema/inputs/api.inputs';
import { ApiType, toApiType } from '../schema/types/api.type';
import { TenantType } from '../schema/types/tenant.type';
import { tenantPathOf } from './tenant-path-of';

const map = async (ctx: GraphQLContext, api: Api): Promise<ApiType> => toApiType(api, await tenantPathOf(ctx.domain, api.tenantId));

@Resolver(() => ApiType)
export class ApiResolver {
  @Query(() => ApiType)
  async api(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiType> {
    return map(ctx, await ctx.domain.apis.get(requireActor(ctx), id));
  }

  @Query(() => [ApiType], { description: 'APIs of one tenant (default: the caller’s), by identifier.' })
  async apis(
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ApiType[]> {
    const apis = await ctx.domain.apis.list(requireActor(ctx), tenantPath);
    return Promise.all(apis.map((api) => map(ctx, api)));
  }

  @Mutation(() => ApiType)
  async createApi(@Arg('input') input: CreateApiInput, @Ctx() ctx: GraphQLContext): Promise<ApiType> {
    return map(ctx, await ctx.domain.apis.create(requireActor(ctx), input));
  }

  @Mutation(() => ApiType, { description: 'New tokens see the change at once; tokens already issued keep what they carry.' })
  async updateApi(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateApiInput, @Ctx() ctx: GraphQLContext): Promise<ApiType> {
    return map(ctx, await ctx.domain.apis.update(requireActor(ctx), id, input));
  }

  @Mutation(() => ApiType, { description: 'Its permissions leave every role; tokens already issued for it stay valid until they expire.' })
  async deleteApi(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiType> {
    return map(ctx, await ctx.domain.apis.delete(requireActor(ctx), id));
  }
}

@Resolver(() => TenantType)
export class TenantApisResolver {
  @FieldResolver(() => [ApiType], { description: 'The tenant’s APIs, by identifier.' })
  async apis(@Root() tenant: TenantType, @Ctx() ctx: GraphQLContext): Promise<ApiType[]> {
    const apis = await ctx.domain.apis.list(requireActor(ctx), tenant.path);
    return apis.map((api) => toApiType(api, tenant.path));
  }
}
