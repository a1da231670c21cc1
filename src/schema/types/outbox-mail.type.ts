import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { OutboxMail } from '../../domain/mail/mail-outbox-store';

export enum MailStatusEnum {
  PENDING = 'pending',
  SENT = 'sent',
  FAILED = 'failed',
}
registerEnumType(MailStatusEnum, {
  name: 'MailStatus',
  description: 'PENDING: not delivered yet (retried with backoff); SENT: accepted by the mail server; FAILED: given up after every retry.',
});

@ObjectType('OutboxMail', {
  simpleResolvers: true,
  description: 'A mail the server owes or sent (the mail outbox); its body is never shown.',
})
export class OutboxMailType {
  @Field(() => ID)
  id!: string;

  @Field()
  tenantPath!: string;

  @Field({ description: 'What the mail is about: `password-reset`.' })
  kind!: string;

  @Field()
  recipient!: string;

  @Field()
  subject!: string;

  @Field(() => MailStatusEnum)
  status!: MailStatusEnum;

  @Field(() => Int, { description: 'Delivery attempts made so far.' })
  attempts!: number;

  @Field(() => Date, { description: 'When the next attempt is due (pending mail).' })
  nextAttemptAt!: Date;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  lastError!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;
}

export const toOutboxMailType = (mail: OutboxMail, tenantPath: string): OutboxMailType => ({
  id: mail.id,
  tenantPath,
  kind: mail.kind,
  recipient: mail.recipient,
  subject: mail.subject,
  status: mail.status as MailStatusEnum,
  attempts: mail.attempts,
  nextAttemptAt: mail.nextAttemptAt,
  lastError: mail.lastError,
  createdAt: mail.createdAt,
  sentAt: mail.sentAt,
});

export enum MailKindEnum {
  PASSWORD_RESET = 'password-reset',
  EMAIL_VERIFICATION = 'email-verification',
  INVITATION = 'invitation',
}
registerEnumType(MailKindEnum, { name: 'MailKind', description: 'What a mail is about; each kind has one template per tenant.' });

@ObjectType('MailTemplate', {
  simpleResolvers: true,
  description:
    'The text of one kind of mail for a tenant: plain text with the placeholders {{link}} (required), {{tenantName}} and {{username}}.',
})
export class MailTemplateType {
  @Field()
  tenantPath!: string;

  @Field(() => MailKindEnum)
  kind!: MailKindEnum;

  @Field()
  subject!: string;

  @Field()
  body!: string;

  @Field({ description: 'The tenant’s own text (false: the built-in one).' })
  overridden!: boolean;
}
