import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new user; the password is stored as an argon2id hash.' })
export class CreateUserInput {
  @Field()
  tenantPath!: string;

  @Field({ description: 'Unique within the tenant.' })
  username!: string;

  @Field({ description: '8-1024 characters.' })
  password!: string;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  firstname?: string | null;

  @Field(() => String, { nullable: true })
  lastname?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'The admin role for the user’s tenant and subtree (default false).' })
  admin?: boolean | null;
}

@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  username?: string | null;

  @Field(() => String, { nullable: true, description: 'Empty string clears the field.' })
  email?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true })
  firstname?: string | null;

  @Field(() => String, { nullable: true })
  lastname?: string | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Grants or removes the admin role for the user’s tenant and subtree; takes effect at once.',
  })
  admin?: boolean | null;
}
