/** The URNs of RFC 7643 §8.7 and RFC 7644 §3 this server speaks. */
export const SCIM_URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/** One attribute of a resource schema (RFC 7643 §7), as `/Schemas` publishes it and PATCH resolves paths against it. */
export interface ScimAttribute {
  readonly name: string;
  readonly type: 'string' | 'boolean' | 'complex' | 'reference';
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly returned: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly subAttributes?: readonly ScimAttribute[];
  readonly referenceTypes?: readonly string[];
}

const attribute = (name: string, description: string, extra: Partial<ScimAttribute> = {}): ScimAttribute => ({
  name,
  type: 'string',
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

const ID = attribute('id', 'The server’s identifier of the resource.', {
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'server',
  caseExact: true,
});

/** The multi-valued `{value, type, primary}` attribute the user's one email (phone) maps onto. */
const typedValues = (name: string, description: string): ScimAttribute =>
  attribute(name, description, {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attribute('value', 'The value.'),
      attribute('type', 'A label: work, home, other.'),
      attribute('primary', 'The primary value; only the primary (else the first) one is stored.', { type: 'boolean' }),
    ],
  });

/** The User attributes this server stores (RFC 7643 §4.1); anything else is not supported. */
export const USER_ATTRIBUTES: readonly ScimAttribute[] = [
  ID,
  attribute('externalId', 'The provisioning client’s identifier of the user; unique within the tenant.', { caseExact: true }),
  attribute('userName', 'The username; unique within the tenant regardless of case.', {
    required: true,
    uniqueness: 'server',
  }),
  attribute('name', 'The user’s name; formatted is derived from givenName and familyName.', {
    type: 'complex',
    subAttributes: [
      attribute('formatted', 'Accepted but not stored: answered as givenName and familyName.'),
      attribute('givenName', 'The given (first) name.'),
      attribute('familyName', 'The family (last) name.'),
    ],
  }),
  attribute('displayName', 'Accepted but not stored: answered as the formatted name, else the userName.'),
  typedValues('emails', 'The user’s email address: the primary (else the first) value.'),
  typedValues('phoneNumbers', 'The user’s phone number: the primary (else the first) value.'),
  attribute('active', 'false disables the user: every token is revoked and every session ends.', { type: 'boolean' }),
];

/** The Group attributes (RFC 7643 §4.2): a group is a role of the tenant, its members the users holding it. */
export const GROUP_ATTRIBUTES: readonly ScimAttribute[] = [
  ID,
  attribute('displayName', 'The role’s name; unique within the tenant.', { required: true, uniqueness: 'server' }),
  attribute('members', 'The users holding the role.', {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attribute('value', 'The user’s id.', { mutability: 'immutable', caseExact: true }),
      attribute('display', 'The user’s userName.', { mutability: 'readOnly' }),
      attribute('type', 'Always User.', { mutability: 'immutable' }),
      attribute('$ref', 'The user’s URI.', { type: 'reference', mutability: 'immutable', referenceTypes: ['User'] }),
    ],
  }),
];

/** Finds an attribute by name, case-insensitively (RFC 7643 §2.1). */
export const findAttribute = (attributes: readonly ScimAttribute[], name: string): ScimAttribute | undefined => {
  const lower = name.toLowerCase();
  return attributes.find((a) => a.name.toLowerCase() === lower);
};

/** The largest page a list answers (ServiceProviderConfig `filter.maxResults`). */
export const SCIM_MAX_RESULTS = 200;
/** The most operations one PATCH request may carry. */
export const SCIM_MAX_OPERATIONS = 1000;
/** The largest request body accepted, in bytes (ServiceProviderConfig has no field for it; answered 413). */
export const SCIM_MAX_BODY_BYTES = 512 * 1024;
