import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { InviteUserInput } from '../schema/inputs/invite-user.inputs';
import { toUserType, UserType } from '../schema/types/user.type';
import { MailStatusEnum, OutboxMailType, toOutboxMailType } from '../schema/types/outbox-mail.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { mapWithTenantPaths, tenantPathOf } from './tenant-path-of';

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

  @Mutation(() => UserType, {
    description:
      'Creates a user without a usable password and mails them a single-use link (7 days) to choose one. A username already taken is CONFLICT, with nothing written. Fails when SMTP_URL is not set.',
  })
  async inviteUser(@Arg('input') input: InviteUserInput, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    const user = await ctx.domain.invitations.invite(requireActor(ctx), input);
    return toUserType(user, await tenantPathOf(ctx.domain, user.tenantId));
  }
}
