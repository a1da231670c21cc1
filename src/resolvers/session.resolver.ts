import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { MeType } from '../schema/types/me.type';
import { BrowserSessionType, toBrowserSessionType } from '../schema/types/session.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';

/** Browser sessions: a user's own (`me { sessions }`) and admins' view of their subtree (SessionAdminService). */
@Resolver(() => MeType)
export class SessionResolver {
  @FieldResolver(() => [BrowserSessionType], {
    description: 'The browser sessions of the token’s user, newest first (empty for client tokens).',
  })
  async sessions(@Ctx() ctx: GraphQLContext): Promise<BrowserSessionType[]> {
    return (await ctx.domain.sessionAdmin.mine(requireActor(ctx))).map(toBrowserSessionType);
  }

  @Query(() => [BrowserSessionType], {
    name: 'sessions',
    description: 'A user’s browser sessions that are still open, newest first; admins see users of their subtree.',
  })
  async userSessions(@Arg('userId', () => ID) userId: string, @Ctx() ctx: GraphQLContext): Promise<BrowserSessionType[]> {
    return (await ctx.domain.sessionAdmin.list(requireActor(ctx), userId)).map(toBrowserSessionType);
  }

  @Mutation(() => Boolean, {
    description:
      'Ends one browser session (by its id, the `sid`), revoking what it issued (the refresh families of its authorization codes and their access tokens) and notifying its clients.',
  })
  async endSession(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ctx.domain.sessionAdmin.end(requireActor(ctx), id);
  }
}
