import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { PageArgs } from '../schema/inputs/page.args';
import { toConnection } from '../schema/types/connection';
import { DeviceConnection, DeviceTokenSetType, toDeviceTokenSetType, toDeviceType } from '../schema/types/device.type';
import { MeType } from '../schema/types/me.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';

/** Seed 002 devices: the user's own (`me { devices }`, `createDevice`) and admins' view of their subtree. */
@Resolver(() => MeType)
export class DeviceResolver {
  @FieldResolver(() => DeviceConnection, { description: 'The devices of the token’s user (empty for client tokens).' })
  async devices(@Args() page: PageArgs, @Ctx() ctx: GraphQLContext): Promise<DeviceConnection> {
    const actor = requireActor(ctx);
    if (!actor.userId) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
    return toConnection(await ctx.domain.devices.list(actor, actor.userId, page), toDeviceType);
  }

  @Query(() => DeviceConnection, {
    name: 'devices',
    description: 'A user’s devices (default: the caller’s user), oldest first; admins see users of their subtree.',
  })
  async userDevices(
    @Args() page: PageArgs,
    @Arg('userId', () => ID, { nullable: true }) userId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeviceConnection> {
    return toConnection(await ctx.domain.devices.list(requireActor(ctx), userId, page), toDeviceType);
  }

  @Mutation(() => DeviceTokenSetType, {
    description:
      'Seed 002: for the user of the caller’s token, after confirming their password. The token’s client must list `device_tokens` in its grantTypes. The tokens are shown once.',
  })
  async createDevice(
    @Arg('name') name: string,
    @Arg('password') password: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeviceTokenSetType> {
    return toDeviceTokenSetType(await ctx.domain.devices.createForActor(requireActor(ctx), name, password, ctx.scope));
  }

  @Mutation(() => Int, {
    description: 'Revokes a device (the user’s own, or any in an admin’s subtree); the number of tokens it made inactive.',
  })
  async revokeDevice(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.domain.devices.revoke(requireActor(ctx), id);
  }
}
