import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { CreateTenantInput, UpdateTenantInput } from '../schema/inputs/tenant.inputs';
import { SearchablePageArgs } from '../schema/inputs/searchable-page.args';
import { toConnection } from '../schema/types/connection';
import { TenantConnection, TenantType, toTenantType } from '../schema/types/tenant.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';

@Resolver(() => TenantType)
export class TenantResolver {
  @Query(() => TenantType, { description: 'A tenant in the caller’s subtree.' })
  async tenant(@Arg('path') path: string, @Ctx() ctx: GraphQLContext): Promise<TenantType> {
    return toTenantType(await ctx.domain.tenants.get(requireActor(ctx), path));
  }

  @Query(() => TenantConnection, { description: 'The caller’s tenant and its descendants, in path order.' })
  async tenants(@Args() page: SearchablePageArgs, @Ctx() ctx: GraphQLContext): Promise<TenantConnection> {
    return toConnection(await ctx.domain.tenants.list(requireActor(ctx), page), toTenantType);
  }

  @Mutation(() => TenantType)
  async createTenant(@Arg('input') input: CreateTenantInput, @Ctx() ctx: GraphQLContext): Promise<TenantType> {
    return toTenantType(await ctx.domain.tenants.create(requireActor(ctx), input));
  }

  @Mutation(() => TenantType)
  async updateTenant(@Arg('path') path: string, @Arg('input') input: UpdateTenantInput, @Ctx() ctx: GraphQLContext): Promise<TenantType> {
    return toTenantType(await ctx.domain.tenants.update(requireActor(ctx), path, input));
  }

  @Mutation(() => TenantType, { description: 'Deletes the tenant with its subtree, clients, users and keys.' })
  async deleteTenant(@Arg('path') path: string, @Ctx() ctx: GraphQLContext): Promise<TenantType> {
    return toTenantType(await ctx.domain.tenants.delete(requireActor(ctx), path));
  }
}
