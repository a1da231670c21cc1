import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { InviteUserInput } from '../schema/inputs/invite-user.inputs';
import { toUserType, UserType } from '../schema/types/user.type';
import { MailKindEnum, MailStatusEnum, MailTemplateType, OutboxMailType, toOutboxMailType } from '../schema/types/outbox-mail.type';
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

  @Query(() => MailTemplateType, { description: 'The template of one kind of mail for a tenant (its own, or the built-in one).' })
  async mailTemplate(
    @Arg('tenantPath') tenantPath: string,
    @Arg('kind', () => MailKindEnum) kind: MailKindEnum,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MailTemplateType> {
    const template = await ctx.domain.mailTemplates.get(requireActor(ctx), tenantPath, kind);
    return { ...template, kind, tenantPath };
  }

  @Mutation(() => MailTemplateType, {
    description:
      'Sets the tenant’s own template of a kind of mail: subject (1-200 characters) and text body lines (together at most 10000 characters, must contain {{link}}).',
  })
  async setMailTemplate(
    @Arg('tenantPath') tenantPath: string,
    @Arg('kind', () => MailKindEnum) kind: MailKindEnum,
    @Arg('subject') subject: string,
    @Arg('bodyLines', () => [String], { description: 'The text body, one string per line (GraphQL strings carry no line breaks here).' })
    bodyLines: string[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<MailTemplateType> {
    const template = await ctx.domain.mailTemplates.set(requireActor(ctx), tenantPath, kind, { subject, body: bodyLines.join('\n') });
    return { ...template, kind, tenantPath };
  }

  @Mutation(() => MailTemplateType, { description: 'Returns a kind of mail of the tenant to the built-in template.' })
  async resetMailTemplate(
    @Arg('tenantPath') tenantPath: string,
    @Arg('kind', () => MailKindEnum) kind: MailKindEnum,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MailTemplateType> {
    const template = await ctx.domain.mailTemplates.reset(requireActor(ctx), tenantPath, kind);
    return { ...template, kind, tenantPath };
  }
}
