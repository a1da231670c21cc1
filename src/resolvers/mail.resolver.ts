import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { MailStatusEnum, OutboxMailType, toOutboxMailType } from '../schema/types/outbox-mail.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { mapWithTenantPaths } from './tenant-path-of';

/** The mail outbox (src/domain/mail/mail-outbox.ts). */
@Resolver(() => OutboxMailType)
export class MailResolver {
  @Query(() => [OutboxMailType], {
    description:
      'Mail of one tenant (default: the caller’s) with the given statuses (default: PENDING and FAILED), oldest first, at most 500. Fails when SMTP_URL is not set.',
  })
  async mailOutbox(
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Arg('statuses', () => [MailStatusEnum], { nullable: true }) statuses: MailStatusEnum[] | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<OutboxMailType[]> {
    const actor = requireActor(ctx);
    ctx.domain.mail.requireEnabled();
    const mails = await ctx.domain.mail.list(actor, tenantPath, statuses && statuses.length > 0 ? statuses : undefined);
    return mapWithTenantPaths(ctx.domain, mails, toOutboxMailType);
  }
}
