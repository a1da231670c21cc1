import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1-100 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor from a previous page’s `pageInfo.endCursor`.' })
  after?: string | null;
}
