import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import type { AuditEvent } from '../../domain/audit/audit-event';
import { ConnectionType } from './connection';

@ObjectType('AuditEvent', {
  simpleResolvers: true,
  description: 'One entry of the audit trail. Never holds secrets, tokens, codes or password hashes.',
})
export class AuditEventType {
  @Field(() => ID)
  id!: string;

  @Field()
  occurredAt!: Date;

  @Field({ description: 'What happened: a mutation name (`createClient`, …), `signin`, `token`, `revoke`, `throttle`.' })
  action!: string;

  @Field({ description: '`success` or `failure`.' })
  outcome!: string;

  @Field({ description: 'The tenant the event belongs to.' })
  tenantPath!: string;

  @Field({ description: '`client`, `user`, `anonymous` or `system`.' })
  actorKind!: string;

  @Field(() => String, { nullable: true, description: 'User id or client id; for a failed sign-in, the username tried.' })
  actorId!: string | null;

  @Field(() => String, { nullable: true, description: 'The client the actor came through.' })
  actorClientId!: string | null;

  @Field(() => String, { nullable: true })
  targetKind!: string | null;

  @Field(() => String, { nullable: true })
  targetId!: string | null;

  @Field(() => String, { nullable: true })
  clientIp!: string | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Plain extra facts, e.g. the error code of a failure.' })
  detail!: Record<string, unknown> | null;
}

@ObjectType('AuditEventConnection', { simpleResolvers: true, description: 'A page of audit events, newest first.' })
export class AuditEventConnection extends ConnectionType(AuditEventType) {}

export const toAuditEventType = (event: AuditEvent): AuditEventType => ({
  id: event.id,
  occurredAt: event.occurredAt,
  action: event.action,
  outcome: event.outcome,
  tenantPath: event.tenantPath,
  actorKind: event.actorKind,
  actorId: event.actorId ?? null,
  actorClientId: event.actorClientId ?? null,
  targetKind: event.targetKind ?? null,
  targetId: event.targetId ?? null,
  clientIp: event.clientIp ?? null,
  requestId: event.requestId ?? null,
  detail: event.detail ? { ...event.detail } : null,
});
