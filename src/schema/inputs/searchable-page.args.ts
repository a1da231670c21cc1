import { ArgsType, Field } from 'type-graphql';
import { PageArgs } from './page.args';

@ArgsType()
export class SearchablePageArgs extends PageArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive substring to match (`%`, `_` and `\\` are literal); totalCount counts the matches.',
  })
  search?: string | null;
}
