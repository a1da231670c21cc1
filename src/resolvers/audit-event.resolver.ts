import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { AuditEventArgs } from '../schema/inputs/audit-event.args';
import { toConnection } from '../schema/types/connection';
import { AuditEventConnection, AuditEventType, toAuditEventType } from '../schema/types/audit-event.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';

@Resolver(() => AuditEventType)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: 'The audit trail of a tenant subtree (default: the caller’s), newest first.' })
  async auditEvents(@Args() args: AuditEventArgs, @Ctx() ctx: GraphQLContext): Promise<AuditEventConnection> {
    const { first, after, ...filter } = args;
    return toConnection(await ctx.domain.audit.list(requireActor(ctx), filter, { first, after }), toAuditEventType);
  }
}
