import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { User } from '../domain/users/user';
import { CreateUserInput, UpdateUserInput } from '../schema/inputs/user.inputs';
import { SearchablePageArgs } from '../schema/inputs/searchable-page.args';
import { toUserType, UserConnection, UserType } from '../schema/types/user.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { userConnection } from './list-connections';
import { tenantPathOf } from './tenant-path-of';

const map = async (ctx: GraphQLContext, user: User): Promise<UserType> => toUserType(user, await tenantPathOf(ctx.domain, user.tenantId));

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserType)
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return map(ctx, await ctx.domain.users.get(requireActor(ctx), id));
  }

  @Query(() => UserConnection, { description: 'Users of one tenant (default: the caller’s), oldest first.' })
  async users(
    @Args() page: SearchablePageArgs,
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserConnection> {
    return userConnection(ctx, tenantPath, page);
  }

  @Mutation(() => UserType)
  async createUser(@Arg('input') input: CreateUserInput, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return map(ctx, await ctx.domain.users.create(requireActor(ctx), input));
  }

  @Mutation(() => UserType)
  async updateUser(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateUserInput, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    // Disabling also revokes: re-enabling the user later does not bring its old tokens back.
    if (input.enabled === false) await ctx.domain.scopedRevocation.revokeUserTokens(requireActor(ctx), id);
    return map(ctx, await ctx.domain.users.update(requireActor(ctx), id, input));
  }

  @Mutation(() => UserType)
  async setUserPassword(@Arg('id', () => ID) id: string, @Arg('password') password: string, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return map(ctx, await ctx.domain.users.setPassword(requireActor(ctx), id, password));
  }

  @Mutation(() => UserType)
  async deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return map(ctx, await ctx.domain.users.delete(requireActor(ctx), id));
  }
}
