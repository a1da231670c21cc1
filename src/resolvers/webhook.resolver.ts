import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { PageArgs } from '../schema/inputs/page.args';
import { toConnection } from '../schema/types/connection';
import {
  toWebhookDeliveryType,
  toWebhookType,
  WebhookDeliveryConnection,
  WebhookDeliveryStatusEnum,
  WebhookDeliveryType,
  WebhookType,
  WebhookWithSecretType,
} from '../schema/types/webhook.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import type { WebhookWithSecret } from '../domain/webhooks/webhook.service';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhooks/webhook-events';
import { mapWithTenantPaths, tenantPathOf } from './tenant-path-of';

/** Event webhooks (src/domain/webhooks): scope `admin`, the actor's subtree. */
@Resolver(() => WebhookType)
export class WebhookResolver {
  @Query(() => [WebhookType], { description: 'Webhooks of one tenant (default: the caller’s), newest first.' })
  async webhooks(
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookType[]> {
    return mapWithTenantPaths(ctx.domain, await ctx.domain.webhooks.list(requireActor(ctx), tenantPath), toWebhookType);
  }

  @Query(() => [String], { description: 'The event types a webhook can subscribe to (docs/api.md#webhooks).' })
  webhookEventTypes(): string[] {
    return [...WEBHOOK_EVENT_TYPES];
  }

  @Query(() => WebhookDeliveryConnection, { description: 'Deliveries of a webhook (optionally of one status), newest first.' })
  async webhookDeliveries(
    @Arg('webhookId', () => ID) webhookId: string,
    @Arg('status', () => WebhookDeliveryStatusEnum, { nullable: true }) status: WebhookDeliveryStatusEnum | null,
    @Args() page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookDeliveryConnection> {
    const found = await ctx.domain.webhooks.deliveries(requireActor(ctx), webhookId, status, page);
    return toConnection(found, toWebhookDeliveryType);
  }

  @Mutation(() => WebhookWithSecretType, {
    description:
      'Subscribes a URL to event types of a tenant (default: the caller’s). `url`: https (http only on loopback while the server runs on loopback), no private address; `eventTypes`: names from docs/api.md#webhooks. The signing secret is returned once.',
  })
  async createWebhook(
    @Arg('url') url: string,
    @Arg('eventTypes', () => [String]) eventTypes: string[],
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Arg('description', () => String, { nullable: true }) description: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookWithSecretType> {
    return this.withSecret(ctx, await ctx.domain.webhooks.create(requireActor(ctx), tenantPath, { url, eventTypes, description }));
  }

  @Mutation(() => WebhookType, { description: 'Changes what is given; disabling pauses deliveries (pending ones wait).' })
  async updateWebhook(
    @Arg('id', () => ID) id: string,
    @Arg('url', () => String, { nullable: true }) url: string | null,
    @Arg('eventTypes', () => [String], { nullable: true }) eventTypes: string[] | null,
    @Arg('description', () => String, { nullable: true }) description: string | null,
    @Arg('enabled', () => Boolean, { nullable: true }) enabled: boolean | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WebhookType> {
    const webhook = await ctx.domain.webhooks.update(requireActor(ctx), id, { url, eventTypes, description, enabled });
    return toWebhookType(webhook, await tenantPathOf(ctx.domain, webhook.tenantId));
  }

  @Mutation(() => WebhookType, { description: 'Deletes the webhook and its deliveries; pending ones are not sent.' })
  async deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<WebhookType> {
    const webhook = await ctx.domain.webhooks.delete(requireActor(ctx), id);
    return toWebhookType(webhook, await tenantPathOf(ctx.domain, webhook.tenantId));
  }

  @Mutation(() => WebhookWithSecretType, { description: 'A new signing secret, returned once; the old one stops signing at once.' })
  async rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<WebhookWithSecretType> {
    return this.withSecret(ctx, await ctx.domain.webhooks.rotateSecret(requireActor(ctx), id));
  }

  @Mutation(() => WebhookDeliveryType, {
    description: 'Sends a delivery again (same `webhook-id`, new one-day retry window), after any earlier pending one of its subject.',
  })
  async redeliverWebhook(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: GraphQLContext): Promise<WebhookDeliveryType> {
    return toWebhookDeliveryType(await ctx.domain.webhooks.redeliver(requireActor(ctx), deliveryId));
  }

  private async withSecret(ctx: GraphQLContext, created: WebhookWithSecret): Promise<WebhookWithSecretType> {
    return { webhook: toWebhookType(created.webhook, await tenantPathOf(ctx.domain, created.webhook.tenantId)), secret: created.secret };
  }
}
