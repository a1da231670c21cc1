import { ADMIN_SCOPE } from '../actor';
import type { Api } from '../apis/api';
import type { ApiService } from '../apis/api.service';
import { invalidTarget } from '../apis/validate-api';
import type { Client } from '../clients/client';
import { ensure, errors } from '../errors';
import type { Grants, RoleSubject } from '../roles/role';
import type { RoleService } from '../roles/role.service';
import { KNOWN_SCOPES } from '../scopes';
import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import type { Tenant } from '../tenants/tenant';

/**
 * How repeated `resource` parameters (RFC 8707 §2: "may be used multiple times") reach a
 * grant as one string: joined by a line feed, which no parameter value can hold (the body
 * reader refuses control characters in values), so the join is unambiguous.
 */
export const RESOURCE_SEPARATOR = '\n';

/** The `resource` values of a request, de-duplicated, order kept; none when absent. */
export function parseResources(raw: string | readonly string[] | undefined): string[] {
  if (raw === undefined) return [];
  const values = typeof raw === 'string' ? raw.split(RESOURCE_SEPARATOR) : raw;
  return [...new Set(values)];
}

/** The scopes of this server itself that an access token for an API keeps (OIDC, refresh); never `admin`. */
const SERVER_SCOPES: ReadonlySet<string> = new Set(KNOWN_SCOPES.filter((scope) => scope !== ADMIN_SCOPE));

/** An access token's target: its audience, its scope, the cap on its lifetime, and the identifiers the grant records. */
export interface TokenTarget {
  /** The API identifier (one API), or the identifiers (several). */
  readonly audience: string | string[];
  readonly scopes: string[];
  readonly maxLifetimeSeconds: number;
  readonly resources: string[];
}

/**
 * RFC 8707 resource indicators for every grant. The rules (docs/api.md "APIs and roles"):
 *
 * - `resource` names an API of the client's tenant, or of an ancestor whose API accepts
 *   child tenants; anything else (malformed, unknown, foreign) is `invalid_target`.
 * - Without `resource`, the tenant's default API is the target, unless the request
 *   asks for scope `admin` (the admin API of this server, whose tokens keep `aud` =
 *   the issuer); without a default API the token is as before (`aud` = the issuer).
 * - An API token's `aud` is the identifier (a string for one API, an array for several),
 *   its lifetime at most the API's `accessTokenLifetime` (the shortest of several).
 * - Its `scope` holds the API permissions that are requested (all when no scope is
 *   requested) and that the subject may have:
 *   client_credentials: the permissions the client's roles grant (a client's roles are
 *   what it may request for itself);
 *   user tokens: the permissions the user's roles grant that the client may request,
 *   i.e. that its `allowedScopes` list;
 *   plus, for user tokens, the OIDC scopes the grant holds (`openid`, `profile`, …,
 *   `offline_access`), never `admin`.
 * - A requested scope that is neither a permission of a target API nor one the client
 *   is allowed is `invalid_scope`, as without `resource`.
 */
export class TokenTargets {
  constructor(
    private readonly apis: ApiService,
    private readonly roles: RoleService,
  ) {}

  /**
   * The APIs a request targets: those `resources` name, else the tenant's default API
   * when `scopes` (requested or, when none, the client's defaults) do not ask for `admin`;
   * null for a token as before (no API).
   */
  resolve(tenant: Tenant, resources: readonly string[], scopes: readonly string[]): MaybePromise<Api[] | null> {
    if (resources.length > 0) return this.apis.resolve(tenant, resources);
    if (scopes.includes(ADMIN_SCOPE)) return null;
    return mapMaybePromise(this.apis.defaultApi(tenant), (fallback) => (fallback ? [fallback] : null));
  }

  /**
   * Narrows a request for `apis`: `requested` are the requested scopes (none: every
   * permission the subject may have); `subject` whose roles grant the permissions;
   * `clientMay` what the client may request; `serverScopes` the OIDC scopes to keep.
   */
  target(
    apis: readonly Api[],
    client: Client,
    requested: readonly string[],
    subject: RoleSubject,
    serverScopes: readonly string[],
  ): MaybePromise<TokenTarget> {
    return mapMaybePromise(this.roles.grantsOf(subject), (grants) => narrowTo(apis, client, requested, subject, serverScopes, grants));
  }
  /**
   * A user token's target: `apis` (null: as before, `scopes` unchanged) narrowed to what
   * the user's roles grant and the client may request, its lifetime capped by the APIs'.
   */
  async forUser(
    apis: readonly Api[] | null,
    client: Client,
    userId: string,
    scopes: readonly string[],
    lifetimeSeconds: number,
  ): Promise<UserTokenTarget> {
    if (!apis) return { scopes, lifetimeSeconds, resources: [] };
    const target = await this.target(apis, client, scopes, { kind: 'user', id: userId }, scopes);
    return {
      scopes: target.scopes,
      lifetimeSeconds: Math.min(lifetimeSeconds, target.maxLifetimeSeconds),
      audience: target.audience,
      resources: target.resources,
    };
  }

  /**
   * For a token request within a grant that already holds `granted` resources (a code's
   * token request, a refresh): the requested `resources` must be among them
   * (`invalid_target` otherwise, RFC 8707 §2.2); none requested means all of them.
   */
  narrow(granted: readonly string[], requested: readonly string[]): string[] {
    if (requested.length === 0) return [...granted];
    const outside = requested.filter((resource) => !granted.includes(resource));
    ensure(outside.length === 0, () => invalidTarget('resource was not granted by the original grant'));
    return [...requested];
  }
}

const granted = (grants: Grants, api: Api, permission: string): boolean => grants.get(api.id)?.has(permission) === true;

/** What a user grant's access token becomes: as before (no API), or narrowed to its APIs. */
export interface UserTokenTarget {
  readonly scopes: readonly string[];
  readonly lifetimeSeconds: number;
  readonly audience?: string | string[];
  /** The identifiers the grant records (for its refreshes). */
  readonly resources: readonly string[];
}

/** The narrowing rule of {@link TokenTargets.target}, once the subject's grants are at hand. */
function narrowTo(
  apis: readonly Api[],
  client: Client,
  requested: readonly string[],
  subject: RoleSubject,
  serverScopes: readonly string[],
  grants: Grants,
): TokenTarget {
  const clientMay = subject.kind === 'client' ? () => true : (permission: string) => client.allowedScopes.includes(permission);
  const known = new Set<string>(client.allowedScopes);
  for (const api of apis) for (const permission of api.permissions) known.add(permission.name);
  const refused = requested.filter((scope) => !known.has(scope));
  ensure(refused.length === 0, () => errors.invalidScope(`scope not allowed for this client: ${refused.join(' ')}`));
  const scopes = new Set<string>(
    serverScopes.filter((scope) => SERVER_SCOPES.has(scope) && (requested.length === 0 || requested.includes(scope))),
  );
  for (const api of apis) {
    for (const { name } of api.permissions) {
      if ((requested.length === 0 || requested.includes(name)) && granted(grants, api, name) && clientMay(name)) scopes.add(name);
    }
  }
  const identifiers = apis.map((api) => api.identifier);
  return {
    audience: identifiers.length === 1 ? identifiers[0]! : identifiers,
    scopes: [...scopes],
    maxLifetimeSeconds: Math.min(...apis.map((api) => api.accessTokenLifetime)),
    resources: identifiers,
  };
}
