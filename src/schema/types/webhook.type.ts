import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Webhook, WebhookDelivery } from '../../domain/webhooks/webhook-store';
import { ConnectionType } from './connection';

export enum WebhookDeliveryStatusEnum {
  PENDING = 'pending',
  DELIVERED = 'delivered',
  FAILED = 'failed',
}

registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description:
    'PENDING: not delivered yet (retried with backoff for a day); DELIVERED: the receiver answered 2xx; FAILED: no 2xx within a day of the event (or of a redelivery).',
});

@ObjectType('Webhook', {
  simpleResolvers: true,
  description: 'A tenant’s subscription to event types: signed POSTs to its URL (see docs/api.md#webhooks). The secret is shown once.',
})
export class WebhookType {
  @Field(() => ID)
  id!: string;

  @Field()
  tenantPath!: string;

  @Field()
  url!: string;

  @Field(() => [String], { description: 'Subscribed event types, e.g. `user.created`.' })
  eventTypes!: string[];

  @Field()
  description!: string;

  @Field({ description: 'False: no new deliveries are written, pending ones wait.' })
  enabled!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('WebhookWithSecret', { simpleResolvers: true })
export class WebhookWithSecretType {
  @Field(() => WebhookType)
  webhook!: WebhookType;

  @Field({ description: 'The signing secret (`whsec_` + base64 of 32 bytes); shown once, stored sealed.' })
  secret!: string;
}

@ObjectType('WebhookDelivery', { simpleResolvers: true, description: 'One event sent (or to be sent) to one webhook.' })
export class WebhookDeliveryType {
  @Field(() => ID, { description: 'Also the `webhook-id` header: the same on every attempt and redelivery.' })
  id!: string;

  @Field(() => ID)
  webhookId!: string;

  @Field(() => ID, { description: 'The audit event it comes from.' })
  eventId!: string;

  @Field()
  eventType!: string;

  @Field({ description: 'What the event is about (`user:<id>`, `client:<clientId>` …); deliveries of one subject arrive in order.' })
  subject!: string;

  @Field({ description: 'The JSON body sent.' })
  payload!: string;

  @Field(() => WebhookDeliveryStatusEnum)
  status!: WebhookDeliveryStatusEnum;

  @Field(() => Int, { description: 'Attempts made so far (since the last redelivery, if any).' })
  attempts!: number;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt (null: no answer).' })
  lastStatus!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  lastError!: string | null;

  @Field({ description: 'When a pending delivery is tried next.' })
  nextAttemptAt!: Date;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;
}

@ObjectType('WebhookDeliveryConnection', { simpleResolvers: true, description: 'A page of deliveries, newest first.' })
export class WebhookDeliveryConnection extends ConnectionType(WebhookDeliveryType) {}

export const toWebhookType = (webhook: Webhook, tenantPath: string): WebhookType => ({
  id: webhook.id,
  tenantPath,
  url: webhook.url,
  eventTypes: [...webhook.eventTypes],
  description: webhook.description,
  enabled: webhook.enabled,
  createdAt: webhook.createdAt,
  updatedAt: webhook.updatedAt,
});

export const toWebhookDeliveryType = (delivery: WebhookDelivery): WebhookDeliveryType => ({
  id: delivery.id,
  webhookId: delivery.webhookId,
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  subject: delivery.subject,
  payload: delivery.body,
  status: delivery.status as WebhookDeliveryStatusEnum,
  attempts: delivery.attempts,
  lastAttemptAt: delivery.lastAttemptAt,
  lastStatus: delivery.lastStatus,
  lastError: delivery.lastError,
  nextAttemptAt: delivery.nextAttemptAt,
  createdAt: delivery.createdAt,
  deliveredAt: delivery.deliveredAt,
});
