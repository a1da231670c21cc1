import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Api } from '../../domain/apis/api';

@ObjectType('ApiPermission', { simpleResolvers: true, description: 'A permission an API declares: a scope name and what it allows.' })
export class ApiPermissionType {
  @Field({ description: 'The scope name (RFC 6749 §3.3 scope-token), unique within the API.' })
  name!: string;

  @Field()
  description!: string;
}

@ObjectType('Api', {
  simpleResolvers: true,
  description: 'An API (resource server) of a tenant, named in token requests by its identifier (RFC 8707 `resource`).',
})
export class ApiType {
  @Field(() => ID)
  id!: string;

  @Field()
  tenantPath!: string;

  @Field({ description: 'An absolute URI without fragment, unique within the tenant: the `aud` of the API’s access tokens.' })
  identifier!: string;

  @Field()
  name!: string;

  @Field(() => [ApiPermissionType])
  permissions!: ApiPermissionType[];

  @Field(() => Int, { description: 'Upper bound, in seconds, of the lifetime of access tokens for this API.' })
  accessTokenLifetime!: number;

  @Field({ description: 'Whether clients of descendant tenants may ask for tokens for this API (and their roles grant its permissions).' })
  acceptsChildTenants!: boolean;

  @Field({ description: 'The tenant’s default API: the target of token requests without `resource` (unless they ask for scope admin).' })
  isDefault!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export function toApiType(api: Api, tenantPath: string): ApiType {
  return {
    id: api.id,
    tenantPath,
    identifier: api.identifier,
    name: api.name,
    permissions: api.permissions.map((p) => ({ name: p.name, description: p.description })),
    accessTokenLifetime: api.accessTokenLifetime,
    acceptsChildTenants: api.acceptsChildTenants,
    isDefault: api.isDefault,
    createdAt: api.createdAt,
    updatedAt: api.updatedAt,
  };
}
