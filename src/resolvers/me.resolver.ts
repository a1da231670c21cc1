import { Ctx, Query, Resolver } from 'type-graphql';
import { MeType } from '../schema/types/me.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';

@Resolver(() => MeType)
export class MeResolver {
  @Query(() => MeType, { description: 'The caller, as its access token describes it.' })
  me(@Ctx() ctx: GraphQLContext): MeType {
    const actor = requireActor(ctx);
    return {
      subject: actor.subject,
      clientId: actor.clientId,
      tenantPath: actor.tenantPath,
      scopes: [...actor.scopes],
      userId: actor.userId ?? null,
    };
  }
}
