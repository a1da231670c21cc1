import { defaults } from '../../config/defaults';
import { notFoundInScope, requireAdmin, tenantPathInScope, withinActorSubtree, type Actor } from '../actor';
import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import { TtlCache } from '../cache/ttl-cache';
import { mapUniqueViolation } from '../db-errors';
import type { DomainDeps } from '../deps';
import { ensure, errors } from '../errors';
import { decodeCursor, pageSize, toPage, type Page, type SearchablePageRequest, pageCacheKey } from '../pagination';
import { searchTerm } from '../search-term';
import type { SigningAlgorithm } from '../keys/signing-algorithm';
import { SIGNING_ALGORITHMS, type Tenant } from './tenant';
import type { NewTenantRecord, TenantPatch, TenantStore } from './tenant-store';
import { defaultTenantName, normalizeTenantPath, parentTenantPath, tenantPathLineage } from './tenant-path';
import { validateDisplayName } from '../validate-display-name';
import { ensureAlgorithmServesClients, ensureTenantConforms, validateSecurityProfile } from '../profiles/security-profile';
import type { SecurityProfile } from '../profiles/security-profiles';
import { validateMfaPolicy, validateMfaRequiredRoles, type MfaPolicy } from '../mfa/second-factor-policy';
import { validateRefreshReuseGrace } from '../tokens/refresh-reuse-grace';
import { longestSignedTokenLifetime, validateKeyRotationPolicy } from '../keys/key-rotation-policy';

export interface CreateTenantInput {
  path: string;
  name?: string | null;
  signingAlgorithm?: SigningAlgorithm | null;
  allowSelfSignup?: boolean | null;
  allowOpenClientRegistration?: boolean | null;
  /** RFC 9126 §6: every client of the tenant must push its authorization requests. */
  requirePushedAuthorizationRequests?: boolean | null;
  /** The security profile of every client of the tenant but the server's own; default `NONE`. */
  securityProfile?: SecurityProfile | null;
  /** Second factor policy (src/domain/mfa/second-factor-policy.ts); default `OPTIONAL`. */
  mfaPolicy?: MfaPolicy | null;
  /** With `REQUIRED`: the roles (`admin` included) whose holders must use a second factor; empty: everyone. */
  mfaRequiredRoles?: readonly string[] | null;
  /** Refresh-token reuse grace in seconds (src/domain/tokens/refresh-reuse-grace.ts); default 0, strict rotation. */
  refreshReuseGraceSeconds?: number | null;
  /** Scheduled signing-key rotation every this many days; 0 (default): manual only. */
  keyRotationDays?: number | null;
  /** How long a new signing key is published before it signs (seconds); default `defaults.keyPublicationSeconds`. */
  keyPublicationSeconds?: number | null;
}

export interface UpdateTenantInput {
  name?: string | null;
  signingAlgorithm?: SigningAlgorithm | null;
  allowSelfSignup?: boolean | null;
  allowOpenClientRegistration?: boolean | null;
  /** RFC 9126 §6: every client of the tenant must push its authorization requests. */
  requirePushedAuthorizationRequests?: boolean | null;
  /** The security profile of every client of the tenant but the server's own; default `NONE`. */
  securityProfile?: SecurityProfile | null;
  /** Second factor policy (src/domain/mfa/second-factor-policy.ts); default `OPTIONAL`. */
  mfaPolicy?: MfaPolicy | null;
  /** With `REQUIRED`: the roles (`admin` included) whose holders must use a second factor; empty: everyone. */
  mfaRequiredRoles?: readonly string[] | null;
  /** Refresh-token reuse grace in seconds (src/domain/tokens/refresh-reuse-grace.ts); default 0, strict rotation. */
  refreshReuseGraceSeconds?: number | null;
  /** Scheduled signing-key rotation every this many days; 0 (default): manual only. */
  keyRotationDays?: number | null;
  /** How long a new signing key is published before it signs (seconds); default `defaults.keyPublicationSeconds`. */
  keyPublicationSeconds?: number | null;
}

/**
 * A step every new tenant takes inside the transaction that inserts it (its
 * first signing key, src/domain/keys): `prepare` runs before the transaction
 * (slow work such as key generation), the writer it returns inside.
 */
export type TenantCreationStep = (signingAlgorithm: SigningAlgorithm) => Promise<(tenantId: string) => Promise<void>>;

/** The tenant tree: reads are cached by id and by path, writes publish a change. */
export class TenantService {
  private readonly byId: TtlCache<Tenant | null>;
  private readonly idByPath: TtlCache<string | null>;
  /** Path → the latest token cutoff on its lineage (see {@link lineageCutoffMs}). */
  private readonly lineageCutoffs: TtlCache<number>;
  /** List pages (GraphQL `tenants`), dropped whole on any tenant change. */
  private readonly pages: TtlCache<Page<Tenant>>;
  constructor(
    private readonly deps: DomainDeps,
    private readonly tenants: TenantStore,
    /** What every new tenant gets in its creating transaction: its first signing key (the composition root passes it). */
    private readonly creationStep: TenantCreationStep,
  ) {
    this.byId = new TtlCache({ ttlMs: defaults.cacheTtlMs, trusted: () => deps.bus.live });
    // Unknown paths are not cached: random ones (issuer URLs, tenant_path) cannot push real tenants out.
    this.idByPath = new TtlCache({ ttlMs: defaults.cacheTtlMs, skip: (id) => id === null, trusted: () => deps.bus.live });
    this.lineageCutoffs = new TtlCache({ ttlMs: defaults.cacheTtlMs, trusted: () => deps.bus.live });
    this.pages = new TtlCache({ ttlMs: defaults.cacheTtlMs, maxEntries: 1_000, trusted: () => deps.bus.live });
    deps.bus.onResync(() => {
      this.byId.clear();
      this.idByPath.clear();
      this.lineageCutoffs.clear();
      this.pages.clear();
    });
    deps.bus.subscribe((event) => {
      if (event.topic !== 'tenant') return;
      this.byId.invalidate(event.key);
      this.idByPath.clear();
      this.lineageCutoffs.clear();
      this.pages.clear();
    });
  }

  /** Cached lookup by id (a hit answers at once); null when there is no such tenant. */
  findById(id: string): MaybePromise<Tenant | null> {
    return this.byId.get(id, () => this.tenants.findById(id));
  }

  /** Cached lookup by path (a hit answers at once); null when there is no such tenant. */
  findByPath(path: string): MaybePromise<Tenant | null> {
    const id = this.idByPath.get(path, async () => {
      const tenant = await this.tenants.findByPath(path);
      if (tenant) this.byId.set(tenant.id, tenant);
      return tenant?.id ?? null;
    });
    return mapMaybePromise(id, (found) => (found ? this.findById(found) : null));
  }

  /**
   * The latest `tokensRevokedBefore` of the tenant at `path` and its
   * ancestors, epoch ms (0 when none), or Infinity when one of them no longer
   * exists. Cached per path (the token path asks on every verification); any
   * tenant change clears it.
   */
  lineageCutoffMs(path: string): MaybePromise<number> {
    return this.lineageCutoffs.get(path, () => this.loadLineageCutoffMs(path));
  }

  private async loadLineageCutoffMs(path: string): Promise<number> {
    let latest = 0;
    for (const ancestor of tenantPathLineage(path)) {
      const tenant = await this.findByPath(ancestor);
      if (!tenant) return Number.POSITIVE_INFINITY;
      if (tenant.tokensRevokedBefore) latest = Math.max(latest, tenant.tokensRevokedBefore.getTime());
    }
    return latest;
  }

  /** The tenant at `path`; `not_found` naming the path when there is none. */
  async require(path: string): Promise<Tenant> {
    const tenant = await this.findByPath(path);
    ensure(tenant, () => notFoundInScope('tenant', path));
    return tenant;
  }

  /**
   * The tenant at a path argument, for an admin whose subtree holds it: one
   * outside answers exactly as one that does not exist (see `resolveInScope` in actor.ts).
   */
  async get(actor: Actor, rawPath: string, field = 'path'): Promise<Tenant> {
    return this.require(tenantPathInScope(actor, normalizeTenantPath(rawPath, field)));
  }

  /** The actor's tenant and its descendants, in path order; `search` matches path or name. Pages are cached until the next tenant change (see ClientService.list). */
  async list(actor: Actor, request: SearchablePageRequest): Promise<Page<Tenant>> {
    requireAdmin(actor);
    const size = pageSize(request);
    const after = request.after ? String(decodeCursor(request.after)[0]) : null;
    const search = searchTerm(request.search);
    return this.pages.get(pageCacheKey(actor.tenantPath, { first: size, after, search }), async () => {
      const { rows, totalCount } = await this.tenants.listSubtree(actor.tenantPath, after, size + 1, search);
      return toPage(rows, size, totalCount, (t) => [t.path]);
    });
  }

  /**
   * Creates a child tenant; its parent must exist and lie in the actor's
   * subtree (a parent outside it is answered as one that does not exist).
   */
  async create(actor: Actor, input: CreateTenantInput): Promise<Tenant> {
    requireAdmin(actor);
    const path = normalizeTenantPath(input.path);
    const parentPath = parentTenantPath(path);
    ensure(parentPath !== null, () => errors.conflict('the root tenant already exists'));
    const parent = withinActorSubtree(actor, parentPath) ? await this.findByPath(parentPath) : null;
    ensure(parent, () => errors.validation('path', `parent tenant ${parentPath} does not exist`));
    return this.insert({ ...input, path, parentId: parent.id });
  }

  /** Inserts without an actor check; for bootstrap and trusted callers only. */
  /** The tenants at any of `paths`, read from the store in one set-based read (uncached: provisioning's diff). */
  async findManyByPaths(paths: readonly string[]): Promise<Map<string, Tenant>> {
    return new Map((await this.tenants.findManyByPaths(paths)).map((tenant) => [tenant.path, tenant]));
  }

  /** Creates a tenant with its first signing key in the same transaction. */
  async insert(input: CreateTenantInput & { path: string; parentId: string | null }): Promise<Tenant> {
    const record = this.prepareInsert(input);
    const complete = await this.creationStep(record.signingAlgorithm);
    // The tenant and what its creation step writes (its signing key), or neither.
    const tenant = await this.deps.stores.transactions.run(async () => {
      const inserted = await mapUniqueViolation(() => this.tenants.insert(record), `tenant ${input.path} already exists`);
      await complete(inserted.id);
      return inserted;
    });
    await this.deps.bus.publish({ topic: 'tenant', kind: 'created', key: tenant.id });
    return tenant;
  }

  /**
   * Validates a new tenant under the rules of {@link insert} (throws its errors) and returns it
   * ready to store, for {@link insertPrepared}: provisioning validates each entry under its name, then writes them together.
   */
  prepareInsert(input: CreateTenantInput & { path: string; parentId: string | null }): NewTenantRecord {
    const signingAlgorithm = validSigningAlgorithm(input.signingAlgorithm ?? defaults.signingAlgorithm);
    const securityProfile = validateSecurityProfile(input.securityProfile ?? 'NONE');
    ensureTenantConforms({ path: input.path, securityProfile, signingAlgorithm }, 'securityProfile');
    const name = validateDisplayName(input.name ?? defaultTenantName(input.path));
    // A new tenant has no clients yet: the default lifetimes bound its tokens.
    const rotation = validateKeyRotationPolicy(
      {
        keyRotationDays: input.keyRotationDays ?? 0,
        keyPublicationSeconds: input.keyPublicationSeconds ?? defaults.keyPublicationSeconds,
      },
      longestSignedTokenLifetime(null),
    );
    return {
      path: input.path,
      parentId: input.parentId,
      name,
      signingAlgorithm,
      allowSelfSignup: input.allowSelfSignup ?? false,
      allowOpenClientRegistration: input.allowOpenClientRegistration ?? false,
      requirePushedAuthorizationRequests: input.requirePushedAuthorizationRequests ?? false,
      securityProfile,
      mfaPolicy: validateMfaPolicy(input.mfaPolicy ?? 'OPTIONAL'),
      mfaRequiredRoles: validateMfaRequiredRoles(input.mfaRequiredRoles ?? []),
      refreshReuseGraceSeconds: validateRefreshReuseGrace(input.refreshReuseGraceSeconds ?? 0),
      ...rotation,
    };
  }

  /**
   * Stores tenants {@link prepareInsert} validated, in multi-row inserts (their parents stored
   * before), announced with one change event. Without their signing keys: each gets its key from
   * KeyService.keyTenantsWithoutKey after the commit or at its first signing need, whichever comes
   * first, so that an RSA key generation (~0.1 s of CPU) per tenant does not hold up provisioning.
   */
  async insertPrepared(records: readonly NewTenantRecord[]): Promise<Tenant[]> {
    if (records.length === 0) return [];
    const tenants = await mapUniqueViolation(() => this.tenants.insertMany(records), 'a tenant path is taken');
    await this.deps.bus.publish({ topic: 'tenant', kind: 'created', key: '*' });
    return tenants;
  }

  async update(actor: Actor, rawPath: string, input: UpdateTenantInput): Promise<Tenant> {
    return this.updateAt(tenantPathInScope(actor, normalizeTenantPath(rawPath)), input);
  }

  /** {@link update} without an actor check, for trusted callers (provisioning): the same rules, the same change event. */
  async updateTrusted(path: string, input: UpdateTenantInput): Promise<Tenant> {
    return this.updateAt(normalizeTenantPath(path), input);
  }

  private async updateAt(path: string, input: UpdateTenantInput): Promise<Tenant> {
    if (input.signingAlgorithm != null) {
      const current = await this.tenants.findByPath(path);
      if (current && current.signingAlgorithm !== input.signingAlgorithm) {
        await ensureAlgorithmServesClients(validSigningAlgorithm(input.signingAlgorithm), (profile) =>
          this.tenants.hasClientsOfProfile(current.id, profile),
        );
      }
    }
    const rotationChanges = input.keyRotationDays != null || input.keyPublicationSeconds != null;
    const existing = rotationChanges ? await this.tenants.findByPath(path) : null;
    const longest = existing ? longestSignedTokenLifetime(await this.tenants.longestAccessTokenLifetime(existing.id)) : 0;
    const tenant = await this.tenants.modify(path, (current): TenantPatch => {
      const rotation = rotationChanges
        ? validateKeyRotationPolicy(
            {
              keyRotationDays: input.keyRotationDays ?? current.keyRotationDays,
              keyPublicationSeconds: input.keyPublicationSeconds ?? current.keyPublicationSeconds,
            },
            longest,
          )
        : {};
      const signingAlgorithm = input.signingAlgorithm != null ? validSigningAlgorithm(input.signingAlgorithm) : undefined;
      const securityProfile = input.securityProfile != null ? validateSecurityProfile(input.securityProfile) : undefined;
      // The profile and the algorithm as they will be stored; a new algorithm alone is at fault, else the profile.
      ensureTenantConforms(
        {
          path: current.path,
          securityProfile: securityProfile ?? current.securityProfile,
          signingAlgorithm: signingAlgorithm ?? current.signingAlgorithm,
        },
        securityProfile === undefined ? 'signingAlgorithm' : 'securityProfile',
      );
      return {
        name: input.name != null ? validateDisplayName(input.name) : undefined,
        signingAlgorithm,
        allowSelfSignup: input.allowSelfSignup ?? undefined,
        allowOpenClientRegistration: input.allowOpenClientRegistration ?? undefined,
        requirePushedAuthorizationRequests: input.requirePushedAuthorizationRequests ?? undefined,
        securityProfile,
        mfaPolicy: input.mfaPolicy != null ? validateMfaPolicy(input.mfaPolicy) : undefined,
        mfaRequiredRoles: input.mfaRequiredRoles != null ? validateMfaRequiredRoles(input.mfaRequiredRoles) : undefined,
        refreshReuseGraceSeconds:
          input.refreshReuseGraceSeconds != null ? validateRefreshReuseGrace(input.refreshReuseGraceSeconds) : undefined,
        ...rotation,
      };
    });
    ensure(tenant, () => notFoundInScope('tenant', path));
    await this.deps.bus.publish({ topic: 'tenant', kind: 'updated', key: tenant.id });
    return tenant;
  }

  /** Deletes a tenant with its subtree, clients, users and keys. The root cannot be deleted, nor the actor's own tenant. */
  async delete(actor: Actor, rawPath: string): Promise<Tenant> {
    const path = tenantPathInScope(actor, normalizeTenantPath(rawPath));
    ensure(path !== actor.tenantPath, () => errors.forbidden('an admin cannot delete its own tenant'));
    const tenant = await this.tenants.findByPath(path);
    ensure(tenant, () => notFoundInScope('tenant', path));
    const subtree = await this.tenants.subtreeIds(path);
    await this.tenants.delete(tenant.id);
    for (const id of [tenant.id, ...subtree]) await this.deps.bus.publish({ topic: 'tenant', kind: 'deleted', key: id });
    return tenant;
  }
}

function validSigningAlgorithm(algorithm: SigningAlgorithm): SigningAlgorithm {
  ensure(SIGNING_ALGORITHMS.includes(algorithm), () =>
    errors.validation('signingAlgorithm', `must be one of ${SIGNING_ALGORITHMS.join(', ')}`),
  );
  return algorithm;
}
