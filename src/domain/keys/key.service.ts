import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { defaults } from '../../config/defaults';
import type { Actor } from '../actor';
import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import { TtlCache } from '../cache/ttl-cache';
import type { DomainDeps } from '../deps';
import { ensure, errors } from '../errors';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import { generateSigningKeyPair } from './generate-key-pair';
import type { ActiveSigningKey, SigningKeyInfo, VerificationKey } from './signing-key';
import type { SigningKeyStore, StoredSigningKey } from './signing-key-store';

/** Signing keys per tenant: generated on first use, private halves sealed at rest and decrypted once per process. */
export class KeyService {
  private readonly active: TtlCache<ActiveSigningKey>;
  private readonly byKid: TtlCache<VerificationKey | null>;
  private jwksCache: Promise<{ keys: JWK[] }> | null = null;
  /** When (domain clock, ms) the cached JWKS drops a retired key whose publication window ends. */
  private jwksStaleAt = Infinity;

  constructor(
    private readonly deps: DomainDeps,
    private readonly keys: SigningKeyStore,
    private readonly tenants: TenantService,
  ) {
    this.active = new TtlCache({ ttlMs: defaults.cacheTtlMs, trusted: () => deps.bus.live });
    this.byKid = new TtlCache({ ttlMs: defaults.cacheTtlMs, trusted: () => deps.bus.live });
    deps.bus.onResync(() => {
      this.active.clear();
      this.byKid.clear();
      this.jwksCache = null;
    });
    deps.bus.subscribe((event) => {
      if (event.topic !== 'signing_key' && event.topic !== 'tenant') return;
      if (event.key === '*') this.active.clear();
      else this.active.invalidate(event.key);
      this.byKid.clear();
      this.jwksCache = null;
    });
  }

  /** The key to sign with for `tenant`; creates one (or replaces one of another algorithm) when needed. */
  async activeKey(tenant: Tenant): Promise<ActiveSigningKey> {
    const key = await this.active.get(tenant.id, () => this.loadOrCreateActive(tenant));
    if (key.algorithm === tenant.signingAlgorithm) return key;
    // The tenant switched algorithm: rotate, then serve the new key.
    await this.rotateTrusted(tenant);
    return this.active.get(tenant.id, () => this.loadOrCreateActive(tenant));
  }

  /** Public key for a `kid` from a token header; null when unknown or no longer published. */
  verificationKey(kid: string): MaybePromise<VerificationKey | null> {
    const key = this.byKid.get(kid, async () => {
      const entity = await this.keys.findByKid(kid);
      if (!entity) return null;
      return {
        kid,
        tenantId: entity.tenantId,
        algorithm: entity.algorithm,
        publicKey: (await importJWK(entity.publicJwk as JWK, entity.algorithm)) as CryptoKey,
        status: entity.status,
        publishUntil: entity.publishUntil,
      };
    });
    // Checked on every use, so a cached retired key stops verifying when its publication window closes.
    return mapMaybePromise(key, (found) => (found && isPublished(found, this.deps.clock.now()) ? found : null));
  }

  /** RFC 7517 JWK Set of every active key and every retired key still within its publication window. */
  async jwks(): Promise<{ keys: JWK[] }> {
    if (this.deps.clock.now().getTime() >= this.jwksStaleAt) this.jwksCache = null;
    this.jwksCache ??= (async () => {
      const now = this.deps.clock.now();
      const rows = await this.keys.findPublished(now);
      this.jwksStaleAt = Math.min(Infinity, ...rows.filter((row) => row.status !== 'active' && row.publishUntil).map((row) => row.publishUntil!.getTime()));
      return { keys: rows.map((row) => row.publicJwk as JWK) };
    })().catch((error: unknown) => {
      this.jwksCache = null;
      throw error;
    });
    const jwks = this.jwksCache;
    // While the bus is down a rotation elsewhere could be missed: read, but keep nothing.
    if (!this.deps.bus.live) this.jwksCache = null;
    return jwks;
  }

  /** Keys of a tenant the actor manages, newest first. */
  async list(actor: Actor, tenantPath: string | null | undefined): Promise<SigningKeyInfo[]> {
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    const rows = await this.keys.listForTenant(tenant.id);
    return rows.map(toInfo);
  }

  /** Replaces the tenant's active key; the old public key stays published until its tokens have expired. */
  async rotate(actor: Actor, tenantPath: string): Promise<SigningKeyInfo> {
    return this.rotateTrusted(await this.tenants.get(actor, tenantPath, 'tenantPath'));
  }

  private async rotateTrusted(tenant: Tenant): Promise<SigningKeyInfo> {
    const generated = await generateSigningKeyPair(tenant.signingAlgorithm);
    const now = this.deps.clock.now();
    const publishUntil = new Date(now.getTime() + (await this.longestTokenLifetime(tenant.id)) * 1000);
    const created = await this.keys.replaceActive(
      {
        tenantId: tenant.id,
        kid: generated.kid,
        algorithm: tenant.signingAlgorithm,
        publicJwk: generated.publicJwk as Record<string, unknown>,
        sealedPrivateJwk: this.deps.secret.encrypt(JSON.stringify(generated.privateJwk), 'signing-key'),
      },
      now,
      publishUntil,
    );
    await this.deps.bus.publish({ topic: 'signing_key', kind: 'rotated', key: tenant.id });
    return toInfo(created);
  }

  private async loadOrCreateActive(tenant: Tenant): Promise<ActiveSigningKey> {
    let entity = await this.keys.findActive(tenant.id);
    if (!entity) {
      const generated = await generateSigningKeyPair(tenant.signingAlgorithm);
      // A concurrent first use may win the partial unique index; then read its key.
      await this.keys.insertActiveIfNone({
        tenantId: tenant.id,
        kid: generated.kid,
        algorithm: tenant.signingAlgorithm,
        publicJwk: generated.publicJwk as Record<string, unknown>,
        sealedPrivateJwk: this.deps.secret.encrypt(JSON.stringify(generated.privateJwk), 'signing-key'),
      });
      this.jwksCache = null;
      await this.deps.bus.publish({ topic: 'signing_key', kind: 'created', key: tenant.id }).catch(() => undefined);
      entity = await this.keys.findActive(tenant.id);
      ensure(entity, () => errors.conflict('could not create a signing key'));
    }
    const privateJwk = JSON.parse(this.deps.secret.decrypt(entity.sealedPrivateJwk, 'signing-key')) as JWK;
    return {
      kid: entity.kid,
      tenantId: tenant.id,
      algorithm: entity.algorithm,
      privateKey: createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' }),
    };
  }

  private async longestTokenLifetime(tenantId: string): Promise<number> {
    const longest = await this.keys.longestAccessTokenLifetime(tenantId);
    return Math.max(longest ?? 0, defaults.accessTokenLifetimeSeconds, defaults.deviceIdTokenLifetimeSeconds);
  }
}

const isPublished = (key: Pick<StoredSigningKey, 'status' | 'publishUntil'>, now: Date): boolean =>
  key.status === 'active' || (key.publishUntil !== null && key.publishUntil > now);

const toInfo = (key: StoredSigningKey): SigningKeyInfo => ({
  kid: key.kid,
  tenantId: key.tenantId,
  algorithm: key.algorithm,
  status: key.status,
  createdAt: key.createdAt,
  retiredAt: key.retiredAt,
  publishUntil: key.publishUntil,
  publicJwk: key.publicJwk,
});
