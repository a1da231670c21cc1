import { GROUP_ATTRIBUTES, SCIM_MAX_RESULTS, SCIM_URN, USER_ATTRIBUTES, type ScimAttribute } from './scim-schema';

/**
 * The discovery resources of RFC 7644 §4 (RFC 7643 §5–§7), telling exactly what this server does:
 * PATCH and filtering (`eq` and `and`; maxResults), no bulk, sort, changePassword or ETags; one
 * authentication scheme, the tenant's SCIM bearer token.
 */
export function serviceProviderConfig(baseUrl: string, documentationUri?: string) {
  return {
    schemas: [SCIM_URN.serviceProviderConfig],
    ...(documentationUri ? { documentationUri } : {}),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'SCIM bearer token',
        description: 'A tenant-scoped bearer token made by a tenant admin (GraphQL createScimToken), sent as Authorization: Bearer.',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

const RESOURCE_TYPES = [
  { id: 'User', name: 'User', endpoint: '/Users', description: 'The tenant’s users', schema: SCIM_URN.user },
  {
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'The tenant’s roles; members are the users holding them',
    schema: SCIM_URN.group,
  },
] as const;

export function resourceTypes(baseUrl: string) {
  return RESOURCE_TYPES.map((type) => ({
    schemas: [SCIM_URN.resourceType],
    ...type,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.id}` },
  }));
}

export function resourceType(baseUrl: string, id: string) {
  return resourceTypes(baseUrl).find((type) => type.id === id) ?? null;
}

const published = (attribute: ScimAttribute): Record<string, unknown> => ({
  ...attribute,
  ...(attribute.subAttributes ? { subAttributes: attribute.subAttributes.map(published) } : {}),
});

export function schemas(baseUrl: string) {
  return [
    { id: SCIM_URN.user, name: 'User', description: 'User Account', attributes: USER_ATTRIBUTES },
    { id: SCIM_URN.group, name: 'Group', description: 'Group (a role of the tenant)', attributes: GROUP_ATTRIBUTES },
  ].map((schema) => ({
    schemas: [SCIM_URN.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.filter((a) => a.name !== 'id').map(published),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  }));
}

export function schema(baseUrl: string, id: string) {
  return schemas(baseUrl).find((s) => s.id === id) ?? null;
}
