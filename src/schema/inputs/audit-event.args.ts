import { ArgsType, Field } from 'type-graphql';
import { PageArgs } from './page.args';

@ArgsType()
export class AuditEventArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'A tenant and its subtree (default: the caller’s tenant).' })
  tenantPath?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this action, e.g. `createClient` or `signin`.' })
  action?: string | null;

  @Field(() => String, { nullable: true, description: 'Only events whose actor id or actor client id is this.' })
  actor?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only events at or after this time.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only events at or before this time.' })
  to?: Date | null;
}
