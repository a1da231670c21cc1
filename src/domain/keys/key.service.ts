import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { defaults } from '../../config/defaults';
import type { Actor } from '../actor';
import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import { TtlCache } from '../cache/ttl-cache';
import type { DomainDeps } from '../deps';
import type { Tenant } from '../tenants/tenant';
import { newSigningKey, prepareFirstSigningKey } from './first-signing-key';
import type { AuditLog } from '../audit/audit-log';
import { longestSignedTokenLifetime } from './key-rotation-policy';
import type { TenantService } from '../tenants/tenant.service';
import type { SigningAlgorithm } from './signing-algorithm';
import type { ActiveSigningKey, ScheduledSigningKey, SigningKeyInfo, SigningKeyState, VerificationKey } from './signing-key';
import {
  isPublished,
  type KeylessTenant,
  type NewSigningKey,
  type SigningKeyStore,
  type StoredSchedulableSigningKey,
  type StoredSigningKey,
} from './signing-key-store';

/** The tenant fields keys depend on. */
type KeyedTenant = Pick<Tenant, 'id' | 'signingAlgorithm' | 'keyPublicationSeconds'>;

/** Tenants {@link KeyService.rotateDue} rotates per run; the rest wait for the next. */
const ROTATION_BATCH = 50;

/** Tenants keyed per batch by {@link KeyService.keyEveryTenant}, and key pairs generated at once. */
const BACKFILL_BATCH = 100;
const BACKFILL_PARALLEL = 4;
/** Keyless tenants {@link KeyService.keyTenantsWithoutKey} keys before it returns; the rest in the background. */
const KEY_NOW = BACKFILL_PARALLEL;

/**
 * Signing keys per tenant, private halves sealed at rest and decrypted once per process.
 *
 * Publication before use: a tenant gets its first key with the tenant (signing
 * at once: no verifier can hold a token of a tenant that did not exist).
 * Every later key (`rotate`, a change of the tenant's algorithm) is inserted
 * as "published, not yet active": it is in the JWKS at once and signs from its
 * `activatesAt`, `defaults.keyPublicationSeconds` later; the key it replaces
 * signs until then and stays published until its tokens have expired. Every
 * process holds a tenant's scheduled keys in its cache and picks the signing
 * key from `activatesAt` at signing time, so all of them switch at the same
 * moment without a query.
 */
export class KeyService {
  /** Tenant id → its keys that sign now or will, latest activation first. */
  private readonly scheduled: TtlCache<readonly ScheduledSigningKey[]>;
  private readonly byKid: TtlCache<VerificationKey | null>;
  private jwksCache: Promise<{ keys: JWK[] }> | null = null;
  /** When (domain clock, ms) the cached JWKS is read again: a retired key's publication window ends, or the cache TTL. */
  private jwksStaleAt = Infinity;
  /** Algorithm changes being scheduled, per tenant id, so concurrent requests make one new key. */
  private readonly switching = new Map<string, Promise<unknown>>();
  /** The background run of {@link keyTenantsWithoutKey}, while one runs. */
  private backfill: Promise<unknown> | null = null;
  private stopping = false;

  constructor(
    private readonly deps: DomainDeps,
    private readonly keys: SigningKeyStore,
    private readonly tenants: TenantService,
    /** Where scheduled rotations are recorded (actor: system); manual ones are audited as mutations. */
    private readonly audit?: Pick<AuditLog, 'record'>,
  ) {
    this.scheduled = new TtlCache({ ttlMs: defaults.cacheTtlMs, trusted: () => deps.bus.live });
    this.byKid = new TtlCache({ ttlMs: defaults.cacheTtlMs, trusted: () => deps.bus.live });
    deps.bus.onResync(() => {
      this.scheduled.clear();
      this.byKid.clear();
      this.jwksCache = null;
    });
    deps.bus.subscribe((event) => {
      if (event.topic !== 'signing_key' && event.topic !== 'tenant') return;
      if (event.key === '*') this.scheduled.clear();
      else this.scheduled.invalidate(event.key);
      this.byKid.clear();
      this.jwksCache = null;
    });
  }

  /**
   * The key to sign with for `tenant` now: of its scheduled keys (cached), the
   * one activated last. When the tenant's algorithm changed, schedules a key
   * of the new algorithm and keeps signing with the current one until it activates.
   */
  async activeKey(tenant: Tenant): Promise<ActiveSigningKey> {
    const keys = await this.scheduled.get(tenant.id, () => this.loadScheduled(tenant));
    if (keys[0]!.algorithm !== tenant.signingAlgorithm) await this.switchAlgorithm(tenant, keys[0]!.kid);
    return signingKeyAt(keys, this.deps.clock.now().getTime());
  }

  /**
   * Makes the first key of a new tenant ready to insert: generating it takes
   * long (RSA), so callers do it before their transaction and insert it inside.
   */
  async prepareFirstKey(signingAlgorithm: SigningAlgorithm): Promise<(tenantId: string) => Promise<void>> {
    return prepareFirstSigningKey(this.deps, this.keys, signingAlgorithm);
  }

  /**
   * Gives every tenant without a key its first one (tenants made before keys
   * came with their tenant, or by a path that made none); at start-up and
   * after provisioning. The number of keys made.
   */
  async keyEveryTenant(atMost = Infinity, parallel = BACKFILL_PARALLEL): Promise<number> {
    let created = 0;
    let after: string | null = null;
    let seen = 0;
    for (;;) {
      const batch: KeylessTenant[] = seen >= atMost ? [] : await this.keys.keylessTenants(after, Math.min(BACKFILL_BATCH, atMost - seen));
      if (batch.length === 0 || this.stopping) break;
      seen += batch.length;
      after = batch.at(-1)!.tenantId;
      for (let i = 0; i < batch.length && !this.stopping; i += parallel) {
        const made = await Promise.all(
          batch.slice(i, i + parallel).map(async ({ tenantId, signingAlgorithm }) => {
            const insert = await this.prepareFirstKey(signingAlgorithm);
            // A tenant deleted meanwhile fails its insert: nothing to key.
            return insert(tenantId).then(
              () => true,
              (error: unknown) => {
                this.deps.log.warn({ err: error, tenantId }, 'signing key: could not make a tenant’s first key');
                return false;
              },
            );
          }),
        );
        created += made.filter(Boolean).length;
      }
    }
    if (created > 0) {
      this.deps.log.info({ created }, 'signing key: made the first key of tenants that had none');
      await this.deps.bus.publish({ topic: 'signing_key', kind: 'created', key: '*' });
    }
    return created;
  }

  /**
   * {@link keyEveryTenant} for start-up and provisioning: up to {@link KEY_NOW} tenants at once
   * (the usual case: none or a few), any more in the background, one batch after another, so that
   * 10,000 provisioned RSA tenants (~0.1 s of CPU each) do not hold up readiness. Until its key is
   * made, a tenant's first signing need makes it (loadScheduled); its JWKS is empty, and no token
   * of it exists. One background run at a time; its failures are logged, the next start resumes.
   */
  async keyTenantsWithoutKey(): Promise<void> {
    if (this.backfill) return;
    const made = await this.keyEveryTenant(KEY_NOW);
    if (made < KEY_NOW) return;
    // One key at a time: the background keeps a core free for requests (and the other processes of the machine).
    this.backfill = this.keyEveryTenant(Infinity, 1)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error }, 'signing key: background keying of tenants stopped; the next start resumes it'),
      )
      .finally(() => (this.backfill = null));
  }

  /** Stops the background keying (shutdown) after the key being made; the next start resumes it. */
  async stopBackground(): Promise<void> {
    this.stopping = true;
    await this.backfill;
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

  /** RFC 7517 JWK Set of every active or pending key and every retired key still within its publication window. */
  async jwks(): Promise<{ keys: JWK[] }> {
    if (this.deps.clock.now().getTime() >= this.jwksStaleAt) this.jwksCache = null;
    this.jwksCache ??= (async () => {
      const now = this.deps.clock.now();
      const rows = await this.keys.findPublished(now);
      // Read again at the latest after the cache TTL, like every cache the bus feeds: a missed notification costs at most that.
      const closes = rows.filter((row) => row.status !== 'active' && row.publishUntil).map((row) => row.publishUntil!.getTime());
      this.jwksStaleAt = Math.min(now.getTime() + defaults.cacheTtlMs, ...closes);
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

  /** Keys of a tenant the actor manages, latest activation first. */
  async list(actor: Actor, tenantPath: string | null | undefined): Promise<SigningKeyInfo[]> {
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    const rows = await this.keys.listForTenant(tenant.id);
    const now = this.deps.clock.now();
    return rows.map((row) => toInfo(row, now));
  }

  /**
   * Schedules the tenant's next key: published at once, signing from its
   * `activatesAt` (the tenant's `keyPublicationSeconds` later); the current key
   * signs until then and stays published until its tokens have expired.
   */
  async rotate(actor: Actor, tenantPath: string): Promise<SigningKeyInfo> {
    const tenant = await this.tenants.get(actor, tenantPath, 'tenantPath');
    return toInfo((await this.scheduleNext(tenant, tenant.signingAlgorithm))!, this.deps.clock.now());
  }

  /**
   * Scheduled rotation (the tenant's `keyRotationDays`; run by every process's
   * timer, src/server.ts): for each tenant whose active key has signed for its
   * period less the publication window, inserts the next key, published at once
   * and signing from the end of the period (or, when the run comes late, after
   * a full publication window). One process at a time: a transaction-scoped
   * advisory lock, and each insert only replaces the key it saw active. Every
   * process learns of the new key through the change bus and switches to it at
   * its `activatesAt` by its own clock. The number of keys made.
   */
  async rotateDue(): Promise<number> {
    const now = this.deps.clock.now();
    const rotated = await this.deps.stores.transactions.run(async () => {
      if (!(await this.keys.tryLockRotation())) return [];
      const made: { tenantPath: string; key: StoredSigningKey }[] = [];
      for (const due of await this.keys.dueForRotation(now, ROTATION_BATCH)) {
        const activatesAt = new Date(
          Math.max(due.activatesAt.getTime() + due.keyRotationDays * 86_400_000, now.getTime() + due.keyPublicationSeconds * 1000),
        );
        const key = await this.insertNext(due.tenantId, due.signingAlgorithm, activatesAt, due.kid);
        if (key) made.push({ tenantPath: due.tenantPath, key });
      }
      return made;
    });
    for (const { tenantPath, key } of rotated) {
      this.audit?.record({
        action: 'rotateSigningKey',
        outcome: 'success',
        tenantPath,
        actorKind: 'system',
        actorId: 'key-rotation-schedule',
        targetKind: 'signingKey',
        targetId: key.kid,
        detail: { algorithm: key.algorithm, activatesAt: key.activatesAt.toISOString() },
      });
    }
    if (rotated.length > 0) this.deps.log.info({ rotated: rotated.length }, 'signing key: scheduled rotation made the next keys');
    return rotated.length;
  }

  /** One new key of the tenant's algorithm after the current newest (`replacing`), for all concurrent requests that saw the change. */
  private async switchAlgorithm(tenant: Tenant, replacing: string): Promise<void> {
    let pending = this.switching.get(tenant.id);
    if (!pending) {
      pending = this.scheduleNext(tenant, tenant.signingAlgorithm, replacing)
        .catch((error: unknown) =>
          this.deps.log.warn({ err: error, tenantId: tenant.id }, 'signing key: could not schedule a key of the tenant’s new algorithm'),
        )
        .finally(() => this.switching.delete(tenant.id));
      this.switching.set(tenant.id, pending);
    }
    await pending;
  }

  /** Inserts the next key (see {@link rotate}); null when `replacing` is given and no longer the newest key. */
  private async scheduleNext(tenant: KeyedTenant, algorithm: SigningAlgorithm, replacing?: string): Promise<StoredSigningKey | null> {
    const publicationSeconds = tenant.keyPublicationSeconds ?? defaults.keyPublicationSeconds;
    const activatesAt = new Date(this.deps.clock.now().getTime() + publicationSeconds * 1000);
    return this.insertNext(tenant.id, algorithm, activatesAt, replacing);
  }

  /** Inserts a new key signing from `activatesAt`; the active one signs until then and stays published until its tokens have expired. */
  private async insertNext(
    tenantId: string,
    algorithm: SigningAlgorithm,
    activatesAt: Date,
    replacing?: string,
  ): Promise<StoredSigningKey | null> {
    const key = await this.newKey(algorithm);
    const publishUntil = new Date(activatesAt.getTime() + (await this.longestTokenLifetime(tenantId)) * 1000);
    const created = await this.keys.replaceActive({ ...key, tenantId, activatesAt }, publishUntil, replacing);
    if (created) await this.deps.bus.publish({ topic: 'signing_key', kind: 'rotated', key: tenantId });
    return created;
  }

  private newKey(algorithm: SigningAlgorithm): Promise<Omit<NewSigningKey, 'tenantId' | 'activatesAt'>> {
    return newSigningKey(this.deps, algorithm);
  }

  private async loadScheduled(tenant: KeyedTenant): Promise<readonly ScheduledSigningKey[]> {
    let rows = await this.keys.findSchedulable(tenant.id, this.deps.clock.now());
    if (rows.length === 0) {
      // Tenants get their key when made or, provisioned in bulk, from the background keying after it: this is its first signing need.
      this.deps.log.info({ tenantId: tenant.id }, 'signing key: a tenant had no key at signing time; made one that signs at once');
      const insert = await this.prepareFirstKey(tenant.signingAlgorithm);
      await insert(tenant.id);
      this.jwksCache = null;
      await this.deps.bus.publish({ topic: 'signing_key', kind: 'created', key: tenant.id });
      rows = await this.keys.findSchedulable(tenant.id, this.deps.clock.now());
      if (rows.length === 0) throw new Error('could not create a signing key');
    }
    // A key sealed under an earlier SECRET_KEY cannot sign: its successor, published already, signs in its place
    // (so rotating every tenant after a new SECRET_KEY restores signing at once, operations.md). The newest must open.
    const [newest, ...older] = rows;
    const usable = [this.unseal(newest!)];
    for (const row of older) {
      try {
        usable.push(this.unseal(row));
      } catch (error) {
        this.deps.log.warn(
          { err: error, tenantId: tenant.id, kid: row.kid },
          'signing key: cannot open a previous key (sealed under another SECRET_KEY?); its successor signs instead',
        );
      }
    }
    return usable;
  }

  private unseal(row: StoredSchedulableSigningKey): ScheduledSigningKey {
    const privateJwk = JSON.parse(this.deps.secret.decrypt(row.sealedPrivateJwk, 'signing-key')) as JWK;
    return {
      kid: row.kid,
      tenantId: row.tenantId,
      algorithm: row.algorithm,
      privateKey: createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' }),
      activatesAtMs: row.activatesAt.getTime(),
    };
  }

  private async longestTokenLifetime(tenantId: string): Promise<number> {
    return longestSignedTokenLifetime(await this.keys.longestAccessTokenLifetime(tenantId));
  }
}

/**
 * The key that signs at `nowMs`: of `keys` (latest activation first), the
 * first activated by then. Each key's successor activates when it retires, so
 * no end time is needed. Should none have activated yet (a clock set back), the earliest.
 */
function signingKeyAt<K extends { readonly activatesAtMs: number }>(keys: readonly K[], nowMs: number): K {
  return keys.find((key) => key.activatesAtMs <= nowMs) ?? keys.at(-1)!;
}

function stateAt(key: StoredSigningKey, now: Date): SigningKeyState {
  if (key.activatesAt > now) return 'pending';
  if (key.status === 'retired' && key.retiredAt !== null && key.retiredAt <= now) return 'retired';
  return 'active';
}

const toInfo = (key: StoredSigningKey, now: Date): SigningKeyInfo => ({
  kid: key.kid,
  tenantId: key.tenantId,
  algorithm: key.algorithm,
  status: stateAt(key, now),
  createdAt: key.createdAt,
  activatesAt: key.activatesAt,
  retiredAt: key.retiredAt,
  publishUntil: key.publishUntil,
  publicJwk: key.publicJwk,
});
