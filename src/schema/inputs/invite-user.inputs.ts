import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A user to invite: made without a usable password, mailed a link where they choose one (needs SMTP_URL).' })
export class InviteUserInput {
  @Field()
  tenantPath!: string;

  @Field({ description: 'Where the invitation goes; counts as verified once the invitation is accepted.' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Unique within the tenant; default: the email address.' })
  username?: string | null;

  @Field(() => String, { nullable: true })
  firstname?: string | null;

  @Field(() => String, { nullable: true })
  lastname?: string | null;
}
