/** One permission a role grants: a permission of an API, named by the API's id and identifier. */
export interface RolePermission {
  readonly apiId: string;
  /** The API's identifier (its `aud`). */
  readonly api: string;
  readonly permission: string;
}

/** A named bundle of API permissions of a tenant, assigned to users and clients. */
export interface Role {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly RolePermission[];
  /** The built-in `admin` role (the user's admin flag); not stored as a role. */
  readonly builtIn: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Whom a role is assigned to: a user (by id) or a client (by its internal id, not its client_id). */
export type RoleSubject = { readonly kind: 'user'; readonly id: string } | { readonly kind: 'client'; readonly id: string };

export const subjectKey = (subject: RoleSubject): string => `${subject.kind}:${subject.id}`;

/** The name and id of the built-in role that is the `admin` flag of a user. */
export const ADMIN_ROLE = 'admin';

/** What a subject's roles grant, for the token path: permission names by API id. */
export type Grants = ReadonlyMap<string, ReadonlySet<string>>;

/** The built-in `admin` role of a tenant: a user's admin flag (scope `admin` over the tenant and its subtree). */
export const builtInAdmin = (tenantId: string): Role =>
  Object.freeze({
    id: ADMIN_ROLE,
    tenantId,
    name: ADMIN_ROLE,
    description: 'Administers the tenant and its subtree (the user’s admin flag; scope admin).',
    permissions: Object.freeze([]),
    builtIn: true,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  });
