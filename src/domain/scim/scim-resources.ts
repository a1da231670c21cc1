import type { Role } from '../roles/role';
import { scimError } from './scim-errors';
import type { ScimDocument } from './scim-patch';
import { SCIM_URN } from './scim-schema';
import type { ScimUserRecord } from './scim-store';

/** The stored user fields a SCIM User document stands for (the mapping of docs/api.md "SCIM 2.0"). */
export interface ScimUserFields {
  readonly userName: string;
  readonly externalId: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  /** Absent: unchanged (new users are active). */
  readonly active: boolean | undefined;
}

const formatted = (record: ScimUserRecord): string | null =>
  [record.user.firstname, record.user.lastname].filter((part) => part).join(' ') || null;

const withoutNulls = (value: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));

/** The User as PATCH starts from: the stored fields under their SCIM names (no meta). */
export function userDocument(record: ScimUserRecord): ScimDocument {
  const { user } = record;
  const name = withoutNulls({ formatted: formatted(record), givenName: user.firstname, familyName: user.lastname });
  return withoutNulls({
    id: user.id,
    externalId: record.externalId,
    userName: user.username,
    name: Object.keys(name).length > 0 ? name : null,
    displayName: formatted(record) ?? user.username,
    emails: user.email ? [{ value: user.email, type: 'work', primary: true }] : null,
    phoneNumbers: user.phone ? [{ value: user.phone, type: 'work', primary: true }] : null,
    active: user.enabled,
  });
}

/** RFC 7643 §4.1: the User resource, with `meta` (no `version`: ETags are not supported). */
export function userResource(record: ScimUserRecord, baseUrl: string): ScimDocument {
  return {
    schemas: [SCIM_URN.user],
    ...userDocument(record),
    meta: {
      resourceType: 'User',
      created: record.user.createdAt.toISOString(),
      lastModified: record.user.updatedAt.toISOString(),
      location: `${baseUrl}/Users/${record.user.id}`,
    },
  };
}

export type Member = { readonly id: string; readonly username: string };

/** The Group as PATCH starts from. */
export function groupDocument(role: Role, members: readonly Member[]): ScimDocument {
  return { id: role.id, displayName: role.name, members: members.map((m) => ({ value: m.id, display: m.username, type: 'User' })) };
}

/** RFC 7643 §4.2: a role of the tenant as a Group; its members are the users it is assigned to (`null` members: left out on request). */
export function groupResource(role: Role, members: readonly Member[] | null, baseUrl: string): ScimDocument {
  const document = groupDocument(role, members ?? []);
  return {
    schemas: [SCIM_URN.group],
    id: role.id,
    displayName: role.name,
    ...(members === null
      ? {}
      : { members: (document.members as Record<string, unknown>[]).map((m) => ({ ...m, $ref: `${baseUrl}/Users/${String(m.value)}` })) }),
    meta: {
      resourceType: 'Group',
      created: role.createdAt.toISOString(),
      lastModified: role.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${role.id}`,
    },
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string attribute: absent or null is null; anything but a string is `invalidValue`. */
function text(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw scimError('invalidValue', `${name} must be a string`);
  return value.trim() === '' ? null : value;
}

/** A boolean attribute; Entra ID sends `"True"`/`"False"` strings, which are taken for their booleans. */
function scimBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw scimError('invalidValue', `${name} must be a boolean`);
}

/** The primary (else the first) `value` of a multi-valued `{value, type, primary}` attribute. */
function primaryValue(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every(isObject)) throw scimError('invalidValue', `${name} must be an array of objects`);
  const chosen = value.find((v) => scimBoolean(v.primary, `${name}.primary`) === true) ?? value[0];
  return chosen ? text(chosen.value, `${name}.value`) : null;
}

/** The stored fields a User document (canonical names) stands for; `userName` is required, types are checked. */
export function userFieldsOf(document: ScimDocument): ScimUserFields {
  const userName = text(document.userName, 'userName');
  if (userName === null) throw scimError('invalidValue', 'userName is required');
  const name = document.name;
  if (name !== undefined && name !== null && !isObject(name)) throw scimError('invalidValue', 'name must be an object');
  return {
    userName,
    externalId: text(document.externalId, 'externalId'),
    givenName: text(isObject(name) ? name.givenName : undefined, 'name.givenName'),
    familyName: text(isObject(name) ? name.familyName : undefined, 'name.familyName'),
    email: primaryValue(document.emails, 'emails'),
    phone: primaryValue(document.phoneNumbers, 'phoneNumbers'),
    active: scimBoolean(document.active, 'active'),
  };
}

/** The role name and member user ids a Group document stands for. */
export function groupFieldsOf(document: ScimDocument): { displayName: string; memberIds: string[] } {
  const displayName = text(document.displayName, 'displayName');
  if (displayName === null) throw scimError('invalidValue', 'displayName is required');
  const members = document.members ?? [];
  if (!Array.isArray(members) || !members.every(isObject)) throw scimError('invalidValue', 'members must be an array of objects');
  const memberIds = members.map((m) => {
    const id = text(m.value, 'members.value');
    if (id === null) throw scimError('invalidValue', 'members.value is required');
    return id;
  });
  return { displayName, memberIds: [...new Set(memberIds)] };
}
