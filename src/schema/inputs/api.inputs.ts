import { Field, InputType, Int } from 'type-graphql';

@InputType('ApiPermissionInput')
export class ApiPermissionInput {
  @Field({ description: 'A scope name: no spaces or control characters, unique within the API.' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType({ description: 'A new API (resource server) of a tenant.' })
export class CreateApiInput {
  @Field()
  tenantPath!: string;

  @Field({ description: 'An absolute URI without fragment (RFC 8707), unique within the tenant.' })
  identifier!: string;

  @Field()
  name!: string;

  @Field(() => [ApiPermissionInput], { nullable: true })
  permissions?: ApiPermissionInput[] | null;

  @Field(() => Int, { nullable: true, description: 'Seconds, 1 to 10 years (default 3600).' })
  accessTokenLifetime?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Default false.' })
  acceptsChildTenants?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Makes this the tenant’s default API (the previous one stops being it).' })
  isDefault?: boolean | null;
}

@InputType()
export class UpdateApiInput {
  @Field(() => String, { nullable: true })
  identifier?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => [ApiPermissionInput], { nullable: true, description: 'Replaces the list; removed permissions leave every role.' })
  permissions?: ApiPermissionInput[] | null;

  @Field(() => Int, { nullable: true })
  accessTokenLifetime?: number | null;

  @Field(() => Boolean, { nullable: true })
  acceptsChildTenants?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  isDefault?: boolean | null;
}
