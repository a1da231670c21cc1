import type { MaybePromise } from './util/maybe-promise';
import { errors, type DomainError } from './errors';
import { isWithinTenant } from './tenants/tenant-path';

/** Who is calling, as established from a verified access token. */
export interface Actor {
  /** `sub` of the token: a user id, or the client id for client_credentials. */
  readonly subject: string;
  readonly clientId: string;
  readonly tenantId: string;
  readonly tenantPath: string;
  readonly scopes: readonly string[];
  /** Set when the token was issued to a user. */
  readonly userId?: string;
  readonly jti: string;
}

export const ADMIN_SCOPE = 'admin';

/** What an admin looks up by id or path; named in the `not_found` message. */
export type ScopedKind = 'client' | 'user' | 'device' | 'tenant' | 'api' | 'role' | 'session' | 'identityProvider';

/** Reads a tenant's path by id (TenantService.findById); null when it is gone. */
export interface TenantPathLookup {
  findById(id: string): MaybePromise<{ readonly path: string } | null>;
}

/*
 * The tenant-scope rule, in one place (docs/contract.md "Tenants"): an admin
 * manages its own tenant and its subtree, nothing else, and learns nothing
 * about anything else. In this order:
 *  1. without scope `admin`: `forbidden` (decided before anything is looked up,
 *     so the answer cannot depend on what exists);
 *  2. an object or tenant path outside the actor's subtree is answered exactly
 *     as one that does not exist: `not_found`, `<kind> "<what was asked>" not
 *     found`, naming only what the caller sent (no tenant, no owner).
 * Every admin operation that takes an id or a tenant path goes through
 * {@link requireAdmin}, {@link tenantPathInScope} or {@link resolveInScope}.
 */

export const isAdmin = (actor: Actor): boolean => actor.scopes.includes(ADMIN_SCOPE);

/** Step 1: `forbidden` without scope `admin`. */
export function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw errors.forbidden('this operation requires scope "admin"');
}

/** Whether `tenantPath` is the actor's tenant or lies below it (lexical; the actor is assumed to be an admin). */
export const withinActorSubtree = (actor: Actor, tenantPath: string): boolean => isWithinTenant(tenantPath, actor.tenantPath);

/** The one `not_found` of the admin API: names the kind and exactly what the caller asked for. */
export const notFoundInScope = (kind: ScopedKind, asked: string): DomainError => errors.notFound(`${kind} ${JSON.stringify(asked)}`);

/**
 * A (normalised) tenant path argument, for an admin whose subtree holds it;
 * a path outside answers as a tenant that does not exist (TenantService.require).
 */
export function tenantPathInScope(actor: Actor, tenantPath: string): string {
  requireAdmin(actor);
  if (!withinActorSubtree(actor, tenantPath)) throw notFoundInScope('tenant', tenantPath);
  return tenantPath;
}

/**
 * Checks an object already loaded (inside a write transaction, say) against
 * the actor's subtree: `not_found` naming `asked` when its tenant is gone or
 * outside. The caller has run {@link requireAdmin} before loading it.
 */
export async function assertInScope(
  actor: Actor,
  tenants: TenantPathLookup,
  tenantId: string,
  kind: ScopedKind,
  asked: string,
): Promise<void> {
  const tenant = await tenants.findById(tenantId);
  if (!tenant || !withinActorSubtree(actor, tenant.path)) throw notFoundInScope(kind, asked);
}

/**
 * "Resolve within the caller's subtree or not_found": the admin check, then
 * `find`, then the subtree check. Missing and outside are the same answer,
 * byte for byte.
 */
export async function resolveInScope<T extends { readonly tenantId: string }>(
  actor: Actor,
  tenants: TenantPathLookup,
  kind: ScopedKind,
  asked: string,
  find: () => MaybePromise<T | null | undefined>,
): Promise<T> {
  requireAdmin(actor);
  const found = await find();
  if (!found) throw notFoundInScope(kind, asked);
  await assertInScope(actor, tenants, found.tenantId, kind, asked);
  return found;
}
