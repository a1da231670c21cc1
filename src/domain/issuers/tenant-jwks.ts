import type { JWK } from 'jose';
import { defaults } from '../../config/defaults';
import type { ChangeBus } from '../changes/change-bus';
import type { Clock } from '../clock';
import { TtlCache } from '../cache/ttl-cache';
import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import { isPublished, type SigningKeyStore } from '../keys/signing-key-store';
import type { Tenant } from '../tenants/tenant';

interface CachedJwks {
  readonly jwks: { keys: JWK[] };
  /** When (epoch ms) a retired key in it leaves its publication window: the set is rebuilt then. */
  readonly staleAt: number;
}

/**
 * RFC 7517 JWK Set of one tenant issuer: that tenant's keys only (its current
 * key, any key published ahead of use, and retired keys until the tokens they
 * signed have expired), so its size does not grow with the number of tenants.
 * Cached per tenant (one read of the tenant's key list), dropped when its keys
 * or any tenant change.
 */
export class TenantJwks {
  private readonly cache: TtlCache<CachedJwks>;

  constructor(
    private readonly keys: SigningKeyStore,
    private readonly clock: Clock,
    bus: ChangeBus,
  ) {
    this.cache = new TtlCache({ ttlMs: defaults.cacheTtlMs, maxEntries: 20_000, trusted: () => bus.live });
    bus.onResync(() => this.cache.clear());
    bus.subscribe((event) => {
      if (event.topic !== 'signing_key' && event.topic !== 'tenant') return;
      if (event.key === '*' || event.topic === 'tenant') this.cache.clear();
      else this.cache.invalidate(event.key);
    });
  }

  /** The tenant's JWK Set; answered at once from the cache. */
  jwks(tenant: Tenant): MaybePromise<{ keys: JWK[] }> {
    const now = this.clock.now().getTime();
    const cached = this.cache.peek(tenant.id);
    if (cached && now < cached.staleAt) return cached.jwks;
    if (cached) this.cache.invalidate(tenant.id);
    return mapMaybePromise(
      this.cache.get(tenant.id, () => this.load(tenant.id)),
      (loaded) => loaded.jwks,
    );
  }

  private async load(tenantId: string): Promise<CachedJwks> {
    const now = this.clock.now();
    const published = (await this.keys.listForTenant(tenantId)).filter((key) => isPublished(key, now));
    const windows = published.filter((key) => key.status === 'retired' && key.publishUntil).map((key) => key.publishUntil!.getTime());
    return { jwks: { keys: published.map((key) => key.publicJwk as JWK) }, staleAt: Math.min(Infinity, ...windows) };
  }
}
