import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { BackchannelLogoutDelivery } from '../../domain/sessions/backchannel-logout-store';

export enum BackchannelLogoutStatusEnum {
  PENDING = 'pending',
  DELIVERED = 'delivered',
  FAILED = 'failed',
}
registerEnumType(BackchannelLogoutStatusEnum, {
  name: 'BackchannelLogoutStatus',
  description:
    'PENDING: not delivered yet (retried with backoff, the first retry within 10 s); DELIVERED: the client answered 200 or 204; ' +
    'FAILED: given up a day after the session ended, or the client lost its back-channel logout URI.',
});

@ObjectType('BackchannelLogoutDelivery', {
  simpleResolvers: true,
  description:
    'A logout token owed to one client for one ended session (OpenID Connect Back-Channel Logout 1.0); the token itself is never kept.',
})
export class BackchannelLogoutDeliveryType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The tenant of the client.' })
  tenantPath!: string;

  @Field({ description: 'The client (its client_id: the logout token’s aud).' })
  clientId!: string;

  @Field({ description: 'The user whose session ended (the logout token’s sub).' })
  userId!: string;

  @Field({ description: 'The session that ended (the logout token’s sid).' })
  sid!: string;

  @Field(() => BackchannelLogoutStatusEnum)
  status!: BackchannelLogoutStatusEnum;

  @Field(() => Int, { description: 'Delivery attempts made so far.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (status code, timeout, refused address…).' })
  lastError!: string | null;

  @Field(() => Date, { description: 'When the next attempt is due (pending deliveries).' })
  nextAttemptAt!: Date;

  @Field(() => Date, { description: 'When the session ended.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;
}

export const toBackchannelLogoutDeliveryType = (
  delivery: BackchannelLogoutDelivery,
  tenantPath: string,
): BackchannelLogoutDeliveryType => ({
  id: delivery.id,
  tenantPath,
  clientId: delivery.clientId,
  userId: delivery.userId,
  sid: delivery.sid,
  status: delivery.status as BackchannelLogoutStatusEnum,
  attempts: delivery.attempts,
  lastError: delivery.lastError,
  nextAttemptAt: delivery.nextAttemptAt,
  createdAt: delivery.createdAt,
  deliveredAt: delivery.deliveredAt,
});
