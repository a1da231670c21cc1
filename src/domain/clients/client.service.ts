import { defaults } from '../../config/defaults';
import { assertInScope, notFoundInScope, requireAdmin, resolveInScope, tenantPathInScope, type Actor } from '../actor';
import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import { TtlCache } from '../cache/ttl-cache';
import { randomToken } from '../crypto/random';
import { mapUniqueViolation } from '../db-errors';
import type { DomainDeps } from '../deps';
import { ensure, errors } from '../errors';
import type { GrantCatalogue } from '../grants/grant-registry';
import { pageCacheKey, type Page, type SearchablePageRequest } from '../pagination';
import { searchTerm } from '../search-term';
import type { RequestScope } from '../request-scope';
import type { BruteForceGuard } from '../throttle/brute-force-guard';
import { normalizeTenantPath } from '../tenants/tenant-path';
import type { TenantService } from '../tenants/tenant.service';
import { isLoopbackHost } from './validate-client-keys';
import type { Client } from './client';
import type { ClientAssertions } from './client-assertion';
import type { PresentedClientCredentials } from './presented-client-credentials';
import type { ClientPatch, ClientStore, NewClientRecord, StoredClient } from './client-store';
import type { Tenant } from '../tenants/tenant';
import { chooseClientSecret } from './client-secret';
import { validateClientId, type ClientIdOptions } from './validate-client-id';
import { validateClientSettings, type ClientSettings, type ClientSettingsInput } from './validate-client-settings';
import { NO_TOKEN_EXCHANGE, TOKEN_EXCHANGE_GRANT_TYPE } from './token-exchange-policy';
import type { Transactions } from '../transactions';
import { validateDisplayName } from '../validate-display-name';
import { ensureAuthenticationAllowed, ensureClientConforms, profileRequirements } from '../profiles/security-profile';
import { outboundUrlRefusal } from '../outbound/outbound-policy';

export interface CreateClientInput extends ClientSettingsInput {
  tenantPath: string;
  clientId?: string | null;
  name: string;
  isPublic?: boolean | null;
  /** Supplied secret (seed 001); otherwise the server generates one. */
  clientSecret?: string | null;
}

export type UpdateClientInput = ClientSettingsInput & { name?: string | null; enabled?: boolean | null };

/** What a trusted caller may set when creating a client: also whether it starts enabled (provisioning). */
export type InsertClientInput = Omit<CreateClientInput, 'tenantPath'> & { enabled?: boolean | null };

/** A client as a trusted caller inspects it (provisioning), read from the store. */
export interface InspectedClient {
  client: Client;
  /** Whether the secret asked about matches the stored digest (constant time); false for a public client and when none was asked about. */
  holdsSecret: boolean;
}

/** A new client validated by {@link ClientService.prepareInsert}, ready for {@link ClientService.insertPrepared}. */
export interface PreparedClient {
  readonly record: NewClientRecord;
  /** Its secret as chosen (shown once), null for a public or private_key_jwt client. */
  readonly clientSecret: string | null;
}

export interface ClientWithSecret {
  client: Client;
  /** Shown once; only its keyed digest is stored. */
  clientSecret: string | null;
}

interface CachedClient {
  readonly client: Client;
  readonly secretDigest: string | null;
  /** A `client_secret_jwt` client's sealed secret; opened on first use into `hmacSecret`. */
  readonly secretSealed: string | null;
  hmacSecret?: string;
  /**
   * Fingerprint (ServerSecret.fingerprint) of the last presented secret that
   * verified against `secretDigest`. It lives on the cache entry, so any
   * change to the client (a rotated secret, disabled, deleted), which drops
   * the entry over the change bus, forgets it too.
   */
  verified?: Buffer;
}

/**
 * Client registry. Lookups for the token path are cached and invalidated over the change bus.
 *
 * What ends a client's access lives here, for every path (GraphQL, provisioning, the CLI
 * through GraphQL): disabling a client also writes its revocation cutoff, in the same
 * transaction, so every token it holds stops working and enabling it again brings none back.
 */
export class ClientService {
  /**
   * Unknown client_ids are cached too (as null), so that an unknown id is
   * answered as fast as a known one and its timing does not tell them apart.
   * Random ids do not push clients in use out: eviction spares entries read
   * since they were stored (second chance), so never-repeated ids go first.
   * A client created anywhere drops its id's entry over the change bus.
   */
  private readonly cache: TtlCache<CachedClient | null>;
  /** List pages (GraphQL `clients`), dropped whole on any client or tenant change. */
  private readonly pages: TtlCache<Page<Client>>;
  /** A digest no secret is known to match: failed authentications are checked against it, so they cost what a wrong secret costs. */
  private readonly decoyDigest: string;

  constructor(
    private readonly deps: DomainDeps,
    private readonly clients: ClientStore,
    private readonly tenants: TenantService,
    /** The grant types client settings are validated against (built from the grant declarations, before any handler). */
    private readonly grants: GrantCatalogue,
    /** The brute-force guard client authentication runs under. */
    private readonly guard: BruteForceGuard,
    /** Every token of a client issued before a time (RevocationService.revokeClient, the client scope's one revoke operation). */
    private readonly revokeClient: (client: Pick<Client, 'clientId' | 'tenantId'>, at: Date) => Promise<void>,
    private readonly transactions: Transactions,
    /** Verifies `client_assertion`s (client_secret_jwt, private_key_jwt). */
    private readonly assertions: ClientAssertions,
  ) {
    this.cache = new TtlCache({ ttlMs: defaults.cacheTtlMs, maxEntries: 100_000, trusted: () => deps.bus.live });
    this.pages = new TtlCache({ ttlMs: defaults.cacheTtlMs, maxEntries: 1_000, trusted: () => deps.bus.live });
    this.decoyDigest = deps.secret.digest(randomToken(32));
    deps.bus.onResync(() => {
      this.cache.clear();
      this.pages.clear();
    });
    deps.bus.subscribe((event) => {
      if (event.topic === 'client') {
        if (event.key === '*') this.cache.clear();
        else this.cache.invalidate(event.key);
      }
      // A deleted tenant takes its clients with it.
      if (event.topic === 'tenant') this.cache.clear();
      if (event.topic === 'client' || event.topic === 'tenant') this.pages.clear();
    });
  }

  private lookup(clientId: string): MaybePromise<CachedClient | null> {
    return this.cache.get(clientId, async () => {
      const stored = await this.clients.findWithSecretDigest(clientId);
      return stored ? { client: withoutDigest(stored), secretDigest: stored.secretDigest, secretSealed: stored.secretSealed } : null;
    });
  }

  /** Cached lookup by client_id (a hit answers at once); null when unknown. */
  findByClientId(clientId: string): MaybePromise<Client | null> {
    return mapMaybePromise(this.lookup(clientId), (found) => found?.client ?? null);
  }

  /**
   * RFC 6749 §2.3.1 client authentication. Confidential clients must present
   * their secret (constant-time keyed digest comparison); public clients
   * present none. Every failure (unknown client, disabled client, missing or
   * wrong secret, a secret from a public client) is the same `invalid_client`
   * with the same description, and costs the same keyed digest a wrong secret
   * does, so neither the answer nor its timing tells whether the client_id
   * exists. Failures are throttled per client_id and client IP together
   * (BruteForceGuard): a locked pair gets `too_many_requests` answered as
   * `invalid_client` (429), its secret unchecked; the client's other sources
   * are not refused.
   */
  authenticate(credentials: PresentedClientCredentials, scope?: RequestScope): MaybePromise<Client> {
    const { clientId, clientSecret } = credentials;
    const outcome = this.guard.protect(
      { subject: { kind: 'client', clientId, auditTenantPath: () => this.auditTenantPathOf(clientId) }, scope, owed: 'invalid_client' },
      () => (credentials.clientAssertion !== undefined ? this.checkAssertion(credentials) : this.checkCredentials(clientId, clientSecret)),
    );
    return mapMaybePromise(outcome, (client) => {
      // At a tenant issuer, another tenant's client fails exactly as an unknown one.
      if (scope?.issuerTenantId && client!.tenantId !== scope.issuerTenantId) throw errors.invalidClient('client of another issuer');
      // The security profile the client is held to decides which methods count (FAPI2: private_key_jwt only).
      return mapMaybePromise(this.tenants.findById(client!.tenantId), (tenant) => {
        if (!tenant) throw errors.invalidClient('client of a deleted tenant');
        ensureAuthenticationAllowed(profileRequirements(tenant, client!), client!.isPublic, credentials.method);
        return client!;
      });
    });
  }

  /**
   * A secret that verified against a digest under an older SECRET_KEYS key is keyed again under the newest
   * (once: the digest changes, and every process reloads the client), so `secrets rotate` needs only the
   * clients that have not authenticated since. In the background: authentication never waits for it.
   */
  private rekeyDigest(clientId: string, from: string, clientSecret: string): void {
    this.clients
      .rekeySecretDigest(clientId, from, this.deps.secret.digest(clientSecret))
      .then((changed) => (changed ? this.deps.bus.publish({ topic: 'client', kind: 'updated', key: clientId }) : undefined))
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error, clientId }, 'could not key a client secret digest under the newest SECRET_KEYS key'),
      );
  }

  private checkCredentials(clientId: string, clientSecret: string | undefined): MaybePromise<Client> {
    return mapMaybePromise(this.lookup(clientId), (found) => {
      const client = found?.client;
      if (client?.enabled && client.isPublic && clientSecret === undefined) return client;
      if (found && client?.enabled && !client.isPublic && clientSecret && found.secretDigest && usesSecret(client)) {
        // The secret that verified last time, compared in constant time: no HMAC for a client presenting it again.
        const fingerprint = this.deps.secret.fingerprint(clientSecret);
        if (found.verified && this.deps.secret.sameFingerprint(found.verified, fingerprint)) return client;
        ensure(this.deps.secret.verifyDigest(clientSecret, found.secretDigest), () => errors.invalidClient('wrong client secret'));
        found.verified = fingerprint;
        if (!this.deps.secret.isCurrent(found.secretDigest)) this.rekeyDigest(clientId, found.secretDigest, clientSecret);
        return client;
      }
      // Any other failure does the work of a wrong secret before answering exactly as one.
      const presented = clientSecret ?? '';
      this.deps.secret.fingerprint(presented);
      this.deps.secret.verifyDigest(presented, this.decoyDigest);
      throw errors.invalidClient(
        !client
          ? 'unknown client'
          : !client.enabled
            ? 'disabled client'
            : client.isPublic
              ? 'a public client presented a secret'
              : !usesSecret(client)
                ? `client must authenticate with ${client.tokenEndpointAuthMethod}`
                : 'client secret required',
      );
    });
  }

  /**
   * RFC 7523 §2.2 client authentication: the client must be registered with the method the
   * assertion uses (its alg decides: HS* is client_secret_jwt), and the assertion must verify
   * (ClientAssertions: signature or MAC, iss, sub, aud, exp, jti used once on every process).
   */
  private checkAssertion(credentials: PresentedClientCredentials): MaybePromise<Client> {
    return mapMaybePromise(this.lookup(credentials.clientId), async (found) => {
      const client = found?.client;
      if (!found || !client) throw errors.invalidClient('unknown client');
      if (!client.enabled) throw errors.invalidClient('disabled client');
      if (client.tokenEndpointAuthMethod !== credentials.method)
        throw errors.invalidClient(`client must authenticate with ${client.tokenEndpointAuthMethod}, not ${credentials.method}`);
      await this.assertions.verify(client, credentials, credentials.method === 'client_secret_jwt' ? this.hmacSecretOf(found) : null);
      return client;
    });
  }

  /** The plaintext secret of a client_secret_jwt client, opened once per cache entry; null when none is stored. */
  private hmacSecretOf(found: CachedClient): string | null {
    if (found.hmacSecret === undefined && found.secretSealed)
      found.hmacSecret = this.deps.secret.decrypt(found.secretSealed, 'client-secret');
    return found.hmacSecret ?? null;
  }

  /** The sealed copy a client_secret_jwt client keeps of its secret; null for any other method. */
  private sealFor(method: Client['tokenEndpointAuthMethod'], clientSecret: string | null): string | null {
    return method === 'client_secret_jwt' && clientSecret !== null ? this.deps.secret.encrypt(clientSecret, 'client-secret') : null;
  }

  /** ClientService's rule beside the pure settings check: an http jwks_uri (loopback) only while ISSUER is on loopback. */
  private ensureJwksUriAllowed(jwksUri: string | null): void {
    if (jwksUri === null || jwksUri.startsWith('https:')) return;
    ensure(isLoopbackHost(new URL(this.deps.issuer).hostname), () =>
      errors.validation('jwksUri', 'must be an https URL (http only on loopback while the server itself runs on loopback)'),
    );
  }

  /**
   * A back-channel logout URI the server may POST to under the outbound policy (src/domain/outbound):
   * https, or http on loopback while ISSUER is on loopback; no private or reserved address literal
   * unless OUTBOUND_ALLOW_CIDRS allows it (a name is judged again on its address at delivery).
   */
  private ensureBackchannelLogoutUriAllowed(uri: string | null): void {
    if (uri === null) return;
    const refusal = outboundUrlRefusal(uri, this.deps.outbound.policy);
    ensure(refusal === null, () => errors.validation('backchannelLogoutUri', refusal!));
  }

  /**
   * The tenant path an event about `clientId` is audited under: its tenant's, so that tenant's admins see
   * failed authentications of their clients; `/` (root admins only) when no such client exists. The caller
   * learns nothing from it: the audit trail is not part of any answer.
   */
  async auditTenantPathOf(clientId: string): Promise<string> {
    const client = await this.findByClientId(clientId);
    return (client && (await this.tenants.findById(client.tenantId))?.path) ?? '/';
  }

  /**
   * The client `clientId` when it belongs to the tenant `tenantId`, else null: how the server
   * finds a client it made for a tenant, so another tenant's client of that id is never used.
   */
  async findInTenant(tenantId: string, clientId: string): Promise<Client | null> {
    const client = await this.findByClientId(clientId);
    return client && client.tenantId === tenantId ? client : null;
  }

  /** Whether a client_id is registered, read from the database (not the cache); for bootstrap. */
  async exists(clientId: string): Promise<boolean> {
    return this.clients.exists(clientId);
  }

  /** A client of the actor's subtree; `not_found` alike for one that does not exist and one outside. */
  async get(actor: Actor, clientId: string): Promise<Client> {
    return resolveInScope(actor, this.tenants, 'client', clientId, () => this.findByClientId(clientId));
  }

  /**
   * Clients of one tenant (default: the actor's), oldest first; `search` matches client id or name.
   * Pages are cached like single clients: dropped on every client or tenant change (in any process,
   * through the change bus) and bypassed while the bus is down, so a list is never older than the
   * last change the bus delivered.
   */
  async list(actor: Actor, tenantPath: string | null | undefined, request: SearchablePageRequest): Promise<Page<Client>> {
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    const page = { first: request.first, after: request.after, search: searchTerm(request.search) };
    return this.pages.get(pageCacheKey(tenant.id, page), () => this.clients.page(tenant.id, page));
  }

  /**
   * Creates a client in a tenant of the actor's subtree. Client ids are unique
   * across all tenants, so a taken id must fail wherever it is taken; the answer
   * is the same `conflict` for an id of the actor's subtree and one of another
   * tenant, naming neither the tenant nor the owner.
   */
  async create(actor: Actor, input: CreateClientInput): Promise<ClientWithSecret> {
    const path = tenantPathInScope(actor, normalizeTenantPath(input.tenantPath, 'tenantPath'));
    return this.insert(path, input);
  }

  /**
   * Creates a client without an actor check; for bootstrap and trusted callers only.
   * Ids the server makes itself (`account.*`, `console`) are refused unless `options.serverMade`.
   */
  async insert(tenantPath: string, input: InsertClientInput, options: ClientIdOptions = {}): Promise<ClientWithSecret> {
    const tenant = await this.tenants.require(tenantPath);
    const { record, clientSecret } = this.prepareInsert(tenant, input, options);
    const client = await mapUniqueViolation(() => this.clients.insert(record), clientIdTaken(record.clientId), 'clientId');
    await this.deps.bus.publish({ topic: 'client', kind: 'created', key: record.clientId });
    return { client, clientSecret };
  }

  /**
   * Validates a new client of `tenant` under the rules of {@link insert} (throws its errors) and
   * returns it ready to store, for {@link insertPrepared}: provisioning validates each entry under its name, then writes them together.
   */
  prepareInsert(tenant: Tenant, input: InsertClientInput, options: ClientIdOptions = {}): PreparedClient {
    const isPublic = input.isPublic ?? false;
    const clientId = input.clientId ?? randomToken(16);
    validateClientId(clientId, 'clientId', options);
    const settings = validateClientSettings(input, isPublic, this.grants);
    ensureClientConforms(tenant, { clientId, isPublic, ...settings });
    this.ensureJwksUriAllowed(settings.jwksUri);
    this.ensureBackchannelLogoutUriAllowed(settings.backchannelLogoutUri);
    ensure(!(isPublic && input.clientSecret != null), () => errors.validation('clientSecret', 'public clients have no secret'));
    const keyOnly = settings.tokenEndpointAuthMethod === 'private_key_jwt';
    ensure(!(keyOnly && input.clientSecret != null), () => errors.validation('clientSecret', 'private_key_jwt clients have no secret'));
    const clientSecret = isPublic || keyOnly ? null : chooseClientSecret(input.clientSecret);
    const record: NewClientRecord = {
      tenantId: tenant.id,
      clientId,
      name: validateDisplayName(input.name),
      isPublic,
      secretDigest: clientSecret === null ? null : this.deps.secret.digest(clientSecret),
      secretSealed: this.sealFor(settings.tokenEndpointAuthMethod, clientSecret),
      ...settings,
      enabled: input.enabled ?? true,
    };
    return { record, clientSecret };
  }

  /**
   * Stores clients {@link prepareInsert} validated, in multi-row inserts (one round trip per
   * batch, not per client), and announces them with one change event: every process drops its
   * cached client lookups (a client_id looked up before it existed is cached as unknown).
   */
  async insertPrepared(prepared: readonly PreparedClient[]): Promise<Client[]> {
    if (prepared.length === 0) return [];
    const clients = await mapUniqueViolation(
      () => this.clients.insertMany(prepared.map((p) => p.record)),
      'a client id is taken',
      'clientId',
    );
    await this.deps.bus.publish({ topic: 'client', kind: 'created', key: '*' });
    return clients;
  }

  /** Disabling (even an already disabled client) also revokes every token of the client issued until now. */
  async update(actor: Actor, clientId: string, input: UpdateClientInput): Promise<Client> {
    requireAdmin(actor);
    return this.change(clientId, input, (current) => assertInScope(actor, this.tenants, current.tenantId, 'client', clientId));
  }

  /**
   * {@link update} without an actor check, for trusted callers (provisioning, RFC 7592 updates): the same
   * rules, disabling revokes alike. `clientSecret`, when given, becomes the client's secret in the same
   * write (stored as the updated method wants it): how a client switched from private_key_jwt, or to
   * client_secret_jwt, gets the secret it needs.
   */
  async updateTrusted(clientId: string, input: UpdateClientInput, clientSecret?: string): Promise<Client> {
    return this.change(clientId, input, async () => undefined, clientSecret);
  }

  /**
   * Reads a client from the store, never the cache (inside a transaction it sees the
   * transaction's own writes), and whether `secret` matches its stored digest. Trusted.
   */
  /**
   * {@link inspect} for many clients in one set-based read: by client_id, each with whether
   * it holds the secret given for it (compared with its keyed digest). Unknown ids are left out.
   */
  async inspectMany(entries: readonly { clientId: string; secret: string | null }[]): Promise<Map<string, InspectedClient>> {
    const stored = new Map((await this.clients.findManyWithSecretDigest(entries.map((e) => e.clientId))).map((c) => [c.clientId, c]));
    const inspected = new Map<string, InspectedClient>();
    for (const { clientId, secret } of entries) {
      const found = stored.get(clientId);
      if (!found) continue;
      const holdsSecret = secret !== null && found.secretDigest !== null && this.deps.secret.verifyDigest(secret, found.secretDigest);
      inspected.set(clientId, { client: withoutDigest(found), holdsSecret });
    }
    return inspected;
  }

  async inspect(clientId: string, secret: string | null): Promise<InspectedClient | null> {
    const stored = await this.clients.findWithSecretDigest(clientId);
    if (!stored) return null;
    const holdsSecret = secret !== null && stored.secretDigest !== null && this.deps.secret.verifyDigest(secret, stored.secretDigest);
    return { client: withoutDigest(stored), holdsSecret };
  }

  /**
   * The one write path of an update: settings validated against the stored ones, and when
   * `input` disables the client, its revocation cutoff written in the same transaction.
   */
  private async change(
    clientId: string,
    input: UpdateClientInput,
    authorize: (current: StoredClient) => Promise<void>,
    clientSecret?: string,
  ): Promise<Client> {
    const client = await this.transactions.run(async () => {
      const updated = await this.clients.modify(clientId, async (current) => {
        await authorize(current);
        // A token exchange allowance goes with its grant type: dropping the grant type without a word
        // about `tokenExchange` clears the stored allowance rather than failing on it.
        const dropsExchange =
          input.grantTypes != null && !input.grantTypes.includes(TOKEN_EXCHANGE_GRANT_TYPE) && input.tokenExchange == null;
        // Setting one of jwks and jwksUri replaces the other; an empty string removes it.
        const keys = input.jwks != null || input.jwksUri != null ? { jwks: input.jwks ?? null, jwksUri: input.jwksUri ?? null } : {};
        const settings = validateClientSettings(
          // Stored redirect URIs are kept as they are unless the input replaces them.
          {
            ...currentSettings(current),
            ...stripNulls(input),
            ...keys,
            redirectUris: input.redirectUris ?? null,
            ...(dropsExchange ? { tokenExchange: NO_TOKEN_EXCHANGE } : {}),
          },
          current.isPublic,
          this.grants,
          [...current.redirectUris],
        );
        // The profile's rules when the input touches what they constrain: a client saved before its tenant
        // became FAPI2 can still be renamed or disabled (the endpoints refuse it meanwhile).
        if (input.securityProfile != null || input.tokenEndpointAuthMethod != null || input.grantTypes != null) {
          const tenant = await this.tenants.findById(current.tenantId);
          ensure(tenant, () => notFoundInScope('client', clientId));
          ensureClientConforms(tenant, { clientId, isPublic: current.isPublic, ...settings });
        }
        if (settings.jwksUri !== current.jwksUri) this.ensureJwksUriAllowed(settings.jwksUri);
        if (settings.backchannelLogoutUri !== current.backchannelLogoutUri)
          this.ensureBackchannelLogoutUriAllowed(settings.backchannelLogoutUri);
        const method = settings.tokenEndpointAuthMethod;
        // Only a client_secret_jwt client keeps its secret sealed (a client switched to it rotates its secret
        // to get one); a private_key_jwt client keeps no secret at all.
        const secrets =
          clientSecret !== undefined && method !== 'private_key_jwt' && !current.isPublic
            ? { secretDigest: this.deps.secret.digest(clientSecret), secretSealed: this.sealFor(method, clientSecret) }
            : {
                secretSealed: method === 'client_secret_jwt' ? undefined : null,
                secretDigest: method === 'private_key_jwt' ? null : undefined,
              };
        return {
          ...settings,
          ...secrets,
          name: input.name != null ? validateDisplayName(input.name) : undefined,
          enabled: input.enabled ?? undefined,
        };
      });
      ensure(updated, () => notFoundInScope('client', clientId));
      // Disabling: every token issued until now stops working, and stays so when the client is enabled again.
      // The cutoff is written in this transaction; its change event, like every event published in it, waits for the commit.
      if (input.enabled === false) await this.revokeClient(updated, this.deps.clock.now());
      return updated;
    });
    await this.deps.bus.publish({ topic: 'client', kind: 'updated', key: clientId });
    return client;
  }

  /** Replaces the secret; the old one stops working at once on every instance. */
  async rotateSecret(actor: Actor, clientId: string, supplied?: string | null): Promise<ClientWithSecret> {
    let clientSecret = '';
    const client = await this.modify(actor, clientId, (current) => {
      ensure(!current.isPublic, () => errors.validation('clientId', 'public clients have no secret'));
      ensure(current.tokenEndpointAuthMethod !== 'private_key_jwt', () =>
        errors.validation('clientId', 'private_key_jwt clients have no secret'),
      );
      clientSecret = chooseClientSecret(supplied);
      return {
        secretDigest: this.deps.secret.digest(clientSecret),
        secretSealed: this.sealFor(current.tokenEndpointAuthMethod, clientSecret),
      };
    });
    return { client, clientSecret };
  }

  /** Adds a redirect URI without an actor check; bootstrap keeps the console's callback in step with ISSUER. */
  async addRedirectUriTrusted(clientId: string, redirectUri: string): Promise<void> {
    await this.clients.modify(clientId, async (found) =>
      found.redirectUris.includes(redirectUri) ? {} : { redirectUris: [...found.redirectUris, redirectUri] },
    );
    await this.deps.bus.publish({ topic: 'client', kind: 'updated', key: clientId });
  }

  /** Sets a client's secret directly; used by bootstrap to honour ADMIN_CLIENT_SECRET. */
  async setSecretTrusted(clientId: string, clientSecret: string): Promise<void> {
    await this.clients.modify(clientId, async (current) => ({
      secretDigest: this.deps.secret.digest(clientSecret),
      secretSealed: this.sealFor(current.tokenEndpointAuthMethod, clientSecret),
    }));
    await this.deps.bus.publish({ topic: 'client', kind: 'rotated', key: clientId });
  }

  async delete(actor: Actor, clientId: string): Promise<Client> {
    const client = await this.get(actor, clientId);
    ensure(clientId !== actor.clientId, () => errors.forbidden('a client cannot delete itself'));
    await this.deleteTrusted(clientId);
    return client;
  }

  /**
   * {@link delete} without an actor check, for trusted callers (a dynamically registered client deleting
   * itself with its registration access token, RFC 7592 §2.3): the row goes (with its registration), and
   * every instance forgets it, so its tokens stop working as those of any deleted client.
   */
  async deleteTrusted(clientId: string): Promise<void> {
    await this.clients.delete(clientId);
    await this.deps.bus.publish({ topic: 'client', kind: 'deleted', key: clientId });
  }

  private async modify(actor: Actor, clientId: string, change: (current: StoredClient) => ClientPatch): Promise<Client> {
    requireAdmin(actor);
    const client = await this.clients.modify(clientId, async (found) => {
      await assertInScope(actor, this.tenants, found.tenantId, 'client', clientId);
      return change(found);
    });
    ensure(client, () => notFoundInScope('client', clientId));
    await this.deps.bus.publish({ topic: 'client', kind: 'updated', key: clientId });
    return client;
  }
}

/** The one answer for a client id that is taken, in the actor's subtree or anywhere else. */
const clientIdTaken = (clientId: string): string => `clientId ${JSON.stringify(clientId)} is not available`;

function currentSettings(client: Client): ClientSettings {
  return {
    redirectUris: [...client.redirectUris],
    postLogoutRedirectUris: [...(client.postLogoutRedirectUris ?? [])],
    grantTypes: [...client.grantTypes],
    allowedScopes: [...client.allowedScopes],
    firstParty: client.firstParty,
    accessTokenLifetime: client.accessTokenLifetime,
    refreshTokenLifetime: client.refreshTokenLifetime,
    responseStyle: client.responseStyle,
    tokenExchange: client.tokenExchange,
    dpopBoundAccessTokens: client.dpopBoundAccessTokens,
    requirePushedAuthorizationRequests: client.requirePushedAuthorizationRequests,
    requireSignedRequestObject: client.requireSignedRequestObject,
    securityProfile: client.securityProfile,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    jwks: client.jwks,
    jwksUri: client.jwksUri,
    backchannelLogoutUri: client.backchannelLogoutUri,
    backchannelLogoutSessionRequired: client.backchannelLogoutSessionRequired,
  };
}

/** Whether a client authenticates with its secret itself (Basic or in the body: either is accepted for both methods). */
const usesSecret = (client: Client): boolean =>
  client.tokenEndpointAuthMethod === 'client_secret_basic' || client.tokenEndpointAuthMethod === 'client_secret_post';

/** The snapshot of a stored client, without its digest (what may be cached beside it and handed out). */
function withoutDigest(stored: StoredClient): Client {
  const { secretDigest: _digest, secretSealed: _sealed, ...client } = stored;
  return Object.freeze(client);
}

function stripNulls<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
