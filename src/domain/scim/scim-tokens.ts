import { requireAdmin, withinActorSubtree, type Actor } from '../actor';
import type { Clock } from '../clock';
import { hasControlCharacter } from '../control-characters';
import { randomToken, sha256 } from '../crypto/random';
import { ensure, errors } from '../errors';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { ScimToken, ScimTokenStore } from './scim-store';

export interface ScimTokenWithSecret {
  scimToken: ScimToken;
  /** Shown once; only its SHA-256 is stored. */
  token: string;
}

/** The one answer to a missing, unknown, revoked or other tenant's token (401 with a Bearer challenge). */
const invalidScimToken = () => errors.unauthenticated('a valid SCIM bearer token of this tenant is required');

/**
 * The bearer tokens an enterprise directory (Okta, Entra ID) provisions a tenant with over SCIM: an
 * admin of the tenant's subtree creates one (shown once, stored as its SHA-256: 256 random bits need
 * no slow or keyed hash), lists and revokes them. A token works at its own tenant's SCIM endpoints only.
 */
export class ScimTokens {
  constructor(
    private readonly store: ScimTokenStore,
    private readonly tenants: TenantService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: { tenantPath?: string | null; description?: string | null }): Promise<ScimTokenWithSecret> {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, input.tenantPath || actor.tenantPath, 'tenantPath');
    const description = (input.description ?? '').trim();
    ensure(description.length <= 200 && !hasControlCharacter(description), () =>
      errors.validation('description', 'must be at most 200 characters without control characters'),
    );
    const token = `scim_${randomToken(32)}`;
    const scimToken = await this.store.insert({ tenantId: tenant.id, tokenHash: sha256(token), description });
    return { scimToken, token };
  }

  /** The tokens of a tenant of the actor's subtree (default: the actor's), newest first. */
  async list(actor: Actor, tenantPath: string | null | undefined): Promise<ScimToken[]> {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    return this.store.listByTenant(tenant.id);
  }

  /** Revokes a token of the actor's subtree; `not_found` alike for one that does not exist and one outside. */
  async revoke(actor: Actor, id: string): Promise<ScimToken> {
    requireAdmin(actor);
    const found = await this.store.findById(id);
    const tenant = found && (await this.tenants.findById(found.tenantId));
    const notFound = () => errors.notFound(`SCIM token ${JSON.stringify(id)}`);
    ensure(tenant, notFound);
    ensure(withinActorSubtree(actor, tenant.path), notFound);
    const revoked = await this.store.revoke(id, this.clock.now());
    ensure(revoked, notFound);
    return revoked;
  }

  /** The token `presented` when it is `tenant`'s and not revoked; `unauthenticated` otherwise, alike for every reason. */
  async authenticate(tenant: Tenant, presented: string | null): Promise<ScimToken> {
    ensure(presented, invalidScimToken);
    const found = await this.store.findByHash(sha256(presented));
    ensure(found && found.tenantId === tenant.id && found.revokedAt === null, invalidScimToken);
    return found;
  }
}
