import { Field, ID, ObjectType } from 'type-graphql';
import type { Role } from '../../domain/roles/role';

@ObjectType('RolePermission', { simpleResolvers: true, description: 'A permission of an API that a role grants.' })
export class RolePermissionType {
  @Field({ description: 'The API’s identifier.' })
  api!: string;

  @Field()
  permission!: string;
}

@ObjectType('Role', { simpleResolvers: true, description: 'A named bundle of API permissions of a tenant, assigned to users and clients.' })
export class RoleType {
  @Field(() => ID, { description: 'A uuid; `admin` for the built-in role.' })
  id!: string;

  @Field()
  tenantPath!: string;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field({ description: 'The built-in role `admin`: a user’s admin flag (scope admin over the tenant and its subtree).' })
  builtIn!: boolean;

  @Field(() => [RolePermissionType])
  permissions!: RolePermissionType[];

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export function toRoleType(role: Role, tenantPath: string): RoleType {
  return {
    id: role.id,
    tenantPath,
    name: role.name,
    description: role.description,
    builtIn: role.builtIn,
    permissions: role.permissions.map((p) => ({ api: p.api, permission: p.permission })),
    createdAt: role.createdAt,
    updatedAt: role.updatedAt,
  };
}
