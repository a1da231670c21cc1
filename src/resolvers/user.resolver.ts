import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
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

  @Mutation(() => UserType, {
    description:
      'Disabling also revokes every token of the user issued until now and ends its browser sessions; enabling again brings none back.',
  })
  async updateUser(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateUserInput, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return map(ctx, await ctx.domain.users.update(requireActor(ctx), id, input));
  }

  @Mutation(() => UserType, {
    description: 'Sets a new password and ends every browser session of the user; the password the user already has changes nothing.',
  })
  async setUserPassword(@Arg('id', () => ID) id: string, @Arg('password') password: string, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return map(ctx, await ctx.domain.users.setPassword(requireActor(ctx), id, password));
  }

  @Mutation(() => UserType)
  async deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return map(ctx, await ctx.domain.users.delete(requireActor(ctx), id));
  }

  @Mutation(() => Int, {
    description:
      'Signs the user out everywhere: ends every browser session of the user, revoking what each issued (the refresh families of its authorization codes and their access tokens) and notifying its clients. Returns how many were still usable. Other tokens stay valid (see revokeUserTokens).',
  })
  async endUserSessions(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.domain.users.endSessions(requireActor(ctx), userId);
  }
}
