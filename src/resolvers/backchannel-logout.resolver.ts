import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import {
  BackchannelLogoutDeliveryType,
  BackchannelLogoutStatusEnum,
  toBackchannelLogoutDeliveryType,
} from '../schema/types/backchannel-logout.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { mapWithTenantPaths } from './tenant-path-of';

/** The back-channel logout outbox (src/domain/sessions/backchannel-logout.ts). */
@Resolver(() => BackchannelLogoutDeliveryType)
export class BackchannelLogoutResolver {
  @Query(() => [BackchannelLogoutDeliveryType], {
    description:
      'Back-channel logout deliveries of one client (clientId), or of one tenant (default: the caller’s), with the given statuses ' +
      '(default: all), newest first, at most 500. Admins see their subtree only.',
  })
  async backchannelLogoutDeliveries(
    @Arg('clientId', () => String, { nullable: true }) clientId: string | null,
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Arg('statuses', () => [BackchannelLogoutStatusEnum], { nullable: true }) statuses: BackchannelLogoutStatusEnum[] | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BackchannelLogoutDeliveryType[]> {
    const deliveries = await ctx.domain.backchannelLogout.list(requireActor(ctx), { clientId, tenantPath, statuses });
    return mapWithTenantPaths(ctx.domain, deliveries, toBackchannelLogoutDeliveryType);
  }
}
