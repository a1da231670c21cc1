import { Field, InputType } from 'type-graphql';

@InputType('RolePermissionInput')
export class RolePermissionInput {
  @Field({ description: 'The API’s identifier: an API of the role’s tenant, or of an ancestor that accepts child tenants.' })
  api!: string;

  @Field()
  permission!: string;
}

@InputType({ description: 'A new role of a tenant.' })
export class CreateRoleInput {
  @Field()
  tenantPath!: string;

  @Field({ description: 'Unique within the tenant; `admin` is the built-in role.' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [RolePermissionInput], { nullable: true })
  permissions?: RolePermissionInput[] | null;
}

@InputType()
export class UpdateRoleInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => [RolePermissionInput], { nullable: true, description: 'Replaces the list.' })
  permissions?: RolePermissionInput[] | null;
}
