import type { AuditLog } from '../audit/audit-log';
import { isUniqueViolation } from '../db-errors';
import { ensure, errors, isDomainError } from '../errors';
import type { Role } from '../roles/role';
import type { RoleService } from '../roles/role.service';
import type { Tenant } from '../tenants/tenant';
import type { Transactions } from '../transactions';
import type { User } from '../users/user';
import type { UserService } from '../users/user.service';
import { NO_PASSWORD_HASH } from '../users/password-hasher';
import { scimError } from './scim-errors';
import { parseScimFilter } from './scim-filter';
import { applyPatch, canonicalDocument, type ScimDocument } from './scim-patch';
import {
  groupDocument,
  groupFieldsOf,
  groupResource,
  userDocument,
  userFieldsOf,
  userResource,
  type Member,
  type ScimUserFields,
} from './scim-resources';
import { GROUP_ATTRIBUTES, SCIM_MAX_RESULTS, SCIM_URN, USER_ATTRIBUTES } from './scim-schema';
import type { ScimDirectoryStore, ScimToken, ScimUserCondition, ScimUserRecord } from './scim-store';

/** Who calls (a tenant's SCIM token, authenticated by the edge) and where its resources live. */
export interface ScimCaller {
  readonly tenant: Tenant;
  readonly token: ScimToken;
  /** `{issuer}/scim/v2`, for `meta.location`. */
  readonly baseUrl: string;
  readonly clientIp: string | null;
  readonly requestId: string;
}

/** The query parameters of a list (RFC 7644 §3.4.2), as received. */
export interface ScimListQuery {
  readonly filter?: string;
  readonly startIndex?: string;
  readonly count?: string;
  readonly excludedAttributes?: string;
}

/** RFC 7644 §3.4.2: a ListResponse. */
export interface ScimListResponse {
  readonly schemas: readonly string[];
  readonly totalResults: number;
  readonly startIndex: number;
  readonly itemsPerPage: number;
  readonly Resources: readonly ScimDocument[];
}

const USER_FILTERS = new Map([
  ['username', 'userName'],
  ['externalid', 'externalId'],
  ['id', 'id'],
]);
const GROUP_FILTERS = new Map([
  ['displayname', 'displayName'],
  ['id', 'id'],
]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7644 §3.4.2.4: startIndex is 1-based (less than 1 is 1); count is capped at the server's maximum (negative is 0). */
function page(query: ScimListQuery): { startIndex: number; count: number } {
  const integer = (raw: string | undefined, name: string, fallback: number): number => {
    if (raw === undefined || raw === '') return fallback;
    if (!/^-?\d{1,9}$/.test(raw)) throw scimError('invalidValue', `${name} must be an integer`);
    return Number(raw);
  };
  return {
    startIndex: Math.max(1, integer(query.startIndex, 'startIndex', 1)),
    count: Math.min(SCIM_MAX_RESULTS, Math.max(0, integer(query.count, 'count', SCIM_MAX_RESULTS))),
  };
}

/** An RFC 7644 §3.4.2 ListResponse of one page of `total` resources starting at `startIndex`. */
export const scimList = (resources: ScimDocument[], total: number, startIndex: number): ScimListResponse => ({
  schemas: [SCIM_URN.listResponse],
  totalResults: total,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});

/** A create or replace body: an object naming the resource's schema; attributes the schema lacks (extensions) are left out. */
function resourceBody(body: unknown, urn: string, attributes: typeof USER_ATTRIBUTES): ScimDocument {
  if (!isObject(body)) throw scimError('invalidSyntax', 'the body must be a JSON object');
  if (!Array.isArray(body.schemas) || !body.schemas.includes(urn)) throw scimError('invalidValue', `schemas must include ${urn}`);
  if (body.password !== undefined)
    throw scimError('invalidValue', 'passwords are not provisioned over SCIM (users sign in through federation or a reset link)');
  return canonicalDocument(body, attributes);
}

/** A unique violation of the write (a taken userName, externalId or group name) as SCIM's 409 `uniqueness`. */
async function unique<T>(write: () => Promise<T>, what: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error) || (isDomainError(error) && error.code === 'conflict'))
      throw scimError('uniqueness', `${what} is already taken in this tenant`);
    throw error;
  }
}

/**
 * SCIM 2.0 provisioning of one tenant (RFC 7643, RFC 7644), for the tenant's SCIM token: Users are the
 * tenant's users, Groups its roles (the built-in `admin` is not one: a directory never grants admin),
 * members the users a role is assigned to. Every change goes through UserService and RoleService, so
 * their rules hold: `active: false` (PUT, PATCH) and DELETE disable the user through UserService,
 * which revokes its tokens and ends its sessions; DELETE then deletes it (RFC 7644 §3.6: 404 afterwards).
 * Users made here have no password (NO_PASSWORD_HASH). Each write is audited with the token as actor.
 */
export class ScimService {
  constructor(
    private readonly users: UserService,
    private readonly roles: RoleService,
    private readonly directory: ScimDirectoryStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
  ) {}

  // Users

  async createUser(caller: ScimCaller, body: unknown): Promise<ScimDocument> {
    const fields = userFieldsOf(resourceBody(body, SCIM_URN.user, USER_ATTRIBUTES));
    const record = await this.transactions.run(async () => {
      const user = await unique(
        () =>
          this.users.insert(
            caller.tenant.path,
            {
              username: fields.userName,
              password: '',
              email: fields.email,
              phone: fields.phone,
              firstname: fields.givenName,
              lastname: fields.familyName,
            },
            { enabled: fields.active ?? true },
            NO_PASSWORD_HASH,
          ),
        'userName',
      );
      if (fields.externalId !== null) await unique(() => this.directory.setExternalId(user.id, fields.externalId), 'externalId');
      return { user, externalId: fields.externalId };
    });
    await this.record(caller, 'scimCreateUser', 'user', record.user.id, { active: record.user.enabled });
    return userResource(record, caller.baseUrl);
  }

  async getUser(caller: ScimCaller, id: string): Promise<ScimDocument> {
    return userResource(await this.findUser(caller, id), caller.baseUrl);
  }

  async listUsers(caller: ScimCaller, query: ScimListQuery): Promise<ScimListResponse> {
    const conditions = (query.filter ? parseScimFilter(query.filter, USER_FILTERS) : []).map((c): ScimUserCondition => {
      if (typeof c.value !== 'string') throw scimError('invalidFilter', `${c.attribute} is compared with a string`);
      return { attribute: c.attribute as ScimUserCondition['attribute'], value: c.value };
    });
    const { startIndex, count } = page(query);
    const found = await this.directory.findUsers(caller.tenant.id, conditions, startIndex - 1, count);
    return scimList(
      found.records.map((r) => userResource(r, caller.baseUrl)),
      found.total,
      startIndex,
    );
  }

  /** PUT (RFC 7644 §3.5.1): the body replaces the user's attributes; one left out is cleared (`active` left out: unchanged). */
  async replaceUser(caller: ScimCaller, id: string, body: unknown): Promise<ScimDocument> {
    const current = await this.findUser(caller, id);
    const fields = userFieldsOf(resourceBody(body, SCIM_URN.user, USER_ATTRIBUTES));
    return this.writeUser(caller, current, fields, 'scimReplaceUser');
  }

  /** PATCH (RFC 7644 §3.5.2): the operations applied to the user as it is, then written as a PUT of the result. */
  async patchUser(caller: ScimCaller, id: string, body: unknown): Promise<ScimDocument> {
    const current = await this.findUser(caller, id);
    const document = userDocument(current);
    applyPatch(document, body, USER_ATTRIBUTES, SCIM_URN.user);
    return this.writeUser(caller, current, userFieldsOf(document), 'scimPatchUser');
  }

  /** DELETE: disables the user (tokens revoked, sessions ended: UserService), then deletes it. */
  async deleteUser(caller: ScimCaller, id: string): Promise<void> {
    const current = await this.findUser(caller, id);
    await this.transactions.run(async () => {
      if (current.user.enabled) await this.users.updateTrusted(current.user.id, { enabled: false });
      else await this.users.disabled(current.user);
      await this.users.deleteTrusted(current.user.id);
    });
    await this.record(caller, 'scimDeleteUser', 'user', current.user.id);
  }

  private async writeUser(caller: ScimCaller, current: ScimUserRecord, fields: ScimUserFields, action: string): Promise<ScimDocument> {
    const { user } = current;
    const enabled = fields.active !== undefined && fields.active !== user.enabled ? fields.active : undefined;
    const record = await this.transactions.run(async () => {
      const updated = await unique(
        () =>
          this.users.updateTrusted(user.id, {
            username: fields.userName,
            email: fields.email,
            phone: fields.phone,
            firstname: fields.givenName,
            lastname: fields.familyName,
            // Only a change: `false` again would re-run the disable path (UserService disables, revoking and ending sessions).
            enabled,
          }),
        'userName',
      );
      if (fields.externalId !== current.externalId)
        await unique(() => this.directory.setExternalId(user.id, fields.externalId), 'externalId');
      return { user: updated, externalId: fields.externalId };
    });
    await this.record(caller, action, 'user', user.id, enabled === undefined ? {} : { active: enabled });
    return userResource(record, caller.baseUrl);
  }

  private async findUser(caller: ScimCaller, id: string): Promise<ScimUserRecord> {
    const { records } = await this.directory.findUsers(caller.tenant.id, [{ attribute: 'id', value: id }], 0, 1);
    ensure(records[0], () => errors.notFound(`User ${JSON.stringify(id.slice(0, 100))}`));
    return records[0];
  }

  // Groups

  async createGroup(caller: ScimCaller, body: unknown): Promise<ScimDocument> {
    const fields = groupFieldsOf(resourceBody(body, SCIM_URN.group, GROUP_ATTRIBUTES));
    await this.ensureNameFree(caller, fields.displayName, null);
    const members = await this.members(caller, fields.memberIds);
    const role = await this.transactions.run(async () => {
      const created = await this.roles.insert(caller.tenant.path, { name: fields.displayName });
      for (const user of members) await this.roles.setAssignmentTrusted(created, { user }, true);
      return created;
    });
    await this.record(caller, 'scimCreateGroup', 'role', role.id, { members: members.length });
    return groupResource(role, members.map(memberOf), caller.baseUrl);
  }

  async getGroup(caller: ScimCaller, id: string, query: ScimListQuery = {}): Promise<ScimDocument> {
    const role = await this.findRole(caller, id);
    return groupResource(role, excludesMembers(query) ? null : await this.directory.membersOf(role.id), caller.baseUrl);
  }

  async listGroups(caller: ScimCaller, query: ScimListQuery): Promise<ScimListResponse> {
    const conditions = query.filter ? parseScimFilter(query.filter, GROUP_FILTERS) : [];
    const { startIndex, count } = page(query);
    const roles = (await this.roles.listTrusted(caller.tenant.id)).filter((role) =>
      conditions.every(({ attribute, value }) =>
        typeof value !== 'string' ? false : attribute === 'id' ? role.id === value : role.name.toLowerCase() === value.toLowerCase(),
      ),
    );
    const chosen = roles.slice(startIndex - 1, startIndex - 1 + count);
    const withMembers = !excludesMembers(query);
    const resources: ScimDocument[] = [];
    for (const role of chosen)
      resources.push(groupResource(role, withMembers ? await this.directory.membersOf(role.id) : null, caller.baseUrl));
    return scimList(resources, roles.length, startIndex);
  }

  async replaceGroup(caller: ScimCaller, id: string, body: unknown): Promise<ScimDocument> {
    const role = await this.findRole(caller, id);
    const current = await this.directory.membersOf(role.id);
    return this.writeGroup(caller, role, current, groupFieldsOf(resourceBody(body, SCIM_URN.group, GROUP_ATTRIBUTES)), 'scimReplaceGroup');
  }

  /** PATCH: Okta's and Entra ID's member changes (`add members`, `remove members[value eq "…"]`), and renames. */
  async patchGroup(caller: ScimCaller, id: string, body: unknown): Promise<ScimDocument> {
    const role = await this.findRole(caller, id);
    const current = await this.directory.membersOf(role.id);
    const document = groupDocument(role, current);
    applyPatch(document, body, GROUP_ATTRIBUTES, SCIM_URN.group);
    return this.writeGroup(caller, role, current, groupFieldsOf(document), 'scimPatchGroup');
  }

  async deleteGroup(caller: ScimCaller, id: string): Promise<void> {
    const role = await this.findRole(caller, id);
    await this.roles.deleteTrusted(role);
    await this.record(caller, 'scimDeleteGroup', 'role', role.id);
  }

  private async writeGroup(
    caller: ScimCaller,
    role: Role,
    current: readonly Member[],
    fields: { displayName: string; memberIds: string[] },
    action: string,
  ): Promise<ScimDocument> {
    const had = new Set(current.map((m) => m.id));
    const wanted = new Set(fields.memberIds);
    const added = await this.members(
      caller,
      fields.memberIds.filter((memberId) => !had.has(memberId)),
    );
    const removed = await this.members(
      caller,
      current.filter((m) => !wanted.has(m.id)).map((m) => m.id),
    );
    if (fields.displayName !== role.name) await this.ensureNameFree(caller, fields.displayName, role.id);
    const updated = await this.transactions.run(async () => {
      const renamed = fields.displayName !== role.name ? await this.roles.updateTrusted(role.id, { name: fields.displayName }) : role;
      for (const user of added) await this.roles.setAssignmentTrusted(renamed, { user }, true);
      for (const user of removed) await this.roles.setAssignmentTrusted(renamed, { user }, false);
      return renamed;
    });
    await this.record(caller, action, 'role', role.id, { added: added.length, removed: removed.length });
    return groupResource(updated, await this.directory.membersOf(role.id), caller.baseUrl);
  }

  /** The tenant's users with these ids; one that is not (another tenant's, or none) is `invalidValue`. */
  private async members(caller: ScimCaller, ids: readonly string[]): Promise<User[]> {
    const out: User[] = [];
    for (const id of ids) {
      const { records } = await this.directory.findUsers(caller.tenant.id, [{ attribute: 'id', value: id }], 0, 1);
      if (!records[0]) throw scimError('invalidValue', `members: ${JSON.stringify(id.slice(0, 100))} is not a User of this tenant`);
      out.push(records[0].user);
    }
    return out;
  }

  private async ensureNameFree(caller: ScimCaller, name: string, except: string | null): Promise<void> {
    const taken = (await this.roles.listTrusted(caller.tenant.id)).some((r) => r.name === name && r.id !== except);
    if (taken) throw scimError('uniqueness', `a Group ${JSON.stringify(name.slice(0, 100))} already exists in this tenant`);
  }

  private async findRole(caller: ScimCaller, id: string): Promise<Role> {
    const role = (await this.roles.listTrusted(caller.tenant.id)).find((r) => r.id === id);
    ensure(role, () => errors.notFound(`Group ${JSON.stringify(id.slice(0, 100))}`));
    return role;
  }

  private async record(
    caller: ScimCaller,
    action: string,
    targetKind: string,
    targetId: string,
    detail: Record<string, number | boolean> = {},
  ) {
    await this.audit.recordNow({
      action,
      outcome: 'success',
      tenantPath: caller.tenant.path,
      actorKind: 'scim',
      actorId: caller.token.id,
      targetKind,
      targetId,
      clientIp: caller.clientIp,
      requestId: caller.requestId,
      detail,
    });
  }
}

const memberOf = (user: User): Member => ({ id: user.id, username: user.username });

/** `excludedAttributes=members` (RFC 7644 §3.4.2.5; Entra ID asks so): the members are left out. */
const excludesMembers = (query: ScimListQuery): boolean =>
  (query.excludedAttributes ?? '')
    .split(',')
    .map((a) => a.trim().toLowerCase())
    .some((a) => a === 'members' || a === `${SCIM_URN.group.toLowerCase()}:members`);
