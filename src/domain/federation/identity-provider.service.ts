import { randomUUID } from 'node:crypto';
import { resolveInScope, tenantPathInScope, type Actor } from '../actor';
import type { ServerSecret } from '../crypto/server-secret';
import { refuseUniqueViolation } from '../db-errors';
import { ensure, errors } from '../errors';
import { isUuid } from '../ids';
import { tenantIssuer } from '../issuers/tenant-issuer';
import type { OutboundPolicy } from '../outbound/outbound-policy';
import type { Tenant } from '../tenants/tenant';
import { normalizeTenantPath } from '../tenants/tenant-path';
import type { TenantService } from '../tenants/tenant.service';
import type { IdentityProvider, IdentityProviderKind } from './identity-provider';
import type { IdentityProviderChanges, IdentityProviderStore } from './identity-provider-store';
import type { UpstreamClient } from './upstream-relying-party';
import {
  emailDomainOf,
  validateAlias,
  validateClaimMapping,
  validateClientId,
  validateClientSecret,
  validateEmailDomains,
  validateKind,
  validateProviderName,
  validateScopes,
  validateUpstreamUrl,
} from './validate-identity-provider';

interface IdentityProviderFields {
  name?: string | null;
  alias?: string | null;
  issuer?: string | null;
  authorizationEndpoint?: string | null;
  tokenEndpoint?: string | null;
  userinfoEndpoint?: string | null;
  clientId?: string | null;
  /** Write-only: stored sealed, never returned. */
  clientSecret?: string | null;
  scopes?: readonly string[] | null;
  claimMapping?: Readonly<Record<string, unknown>> | null;
  emailDomains?: readonly string[] | null;
  exclusive?: boolean | null;
  jitProvisioning?: boolean | null;
  trustEmailVerified?: boolean | null;
  upstreamLogout?: boolean | null;
  enabled?: boolean | null;
}

export interface CreateIdentityProviderInput extends IdentityProviderFields {
  tenantPath: string;
  kind: string;
  name: string;
  alias: string;
  issuer: string;
  clientId: string;
}

export interface UpdateIdentityProviderInput extends IdentityProviderFields {
  /** Removes the stored client secret (a public client, PKCE only). */
  clearClientSecret?: boolean | null;
}

/**
 * Upstream identity providers of a tenant: admin management (every path: GraphQL,
 * provisioning) under the tenant-subtree rule of src/domain/actor.ts, and the lookups the
 * sign-in page and the federation callback make. Every URL is checked against the outbound
 * policy when given (and again, on its resolved address, when fetched); the client secret is
 * sealed with the server secret and never handed out.
 */
export class IdentityProviderService {
  constructor(
    private readonly store: IdentityProviderStore,
    private readonly tenants: TenantService,
    private readonly secret: ServerSecret,
    private readonly policy: OutboundPolicy,
    /** The server's ISSUER: callbacks live under the provider's tenant issuer. */
    private readonly issuerBase: string,
  ) {}

  async list(actor: Actor, tenantPath: string | null | undefined): Promise<IdentityProvider[]> {
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    return this.store.list(tenant.id);
  }

  async get(actor: Actor, id: string): Promise<IdentityProvider> {
    return resolveInScope(actor, this.tenants, 'identityProvider', id, () => (isUuid(id) ? this.store.findById(id) : null));
  }

  async create(actor: Actor, input: CreateIdentityProviderInput): Promise<IdentityProvider> {
    const path = tenantPathInScope(actor, normalizeTenantPath(input.tenantPath, 'tenantPath'));
    return this.insert(path, input);
  }

  /** Creates a provider without an actor check (provisioning, which checked its scope already). */
  async insert(tenantPath: string, input: Omit<CreateIdentityProviderInput, 'tenantPath'>): Promise<IdentityProvider> {
    const tenant = await this.tenants.require(tenantPath);
    const kind = validateKind(input.kind);
    const fields = this.validated(kind, input, true);
    this.checkEndpoints(kind, { ...fields });
    return this.unique(() =>
      this.store.insert({
        id: randomUUID(),
        tenantId: tenant.id,
        kind,
        alias: fields.alias!,
        name: fields.name!,
        issuer: fields.issuer!,
        authorizationEndpoint: fields.authorizationEndpoint ?? null,
        tokenEndpoint: fields.tokenEndpoint ?? null,
        userinfoEndpoint: fields.userinfoEndpoint ?? null,
        clientId: fields.clientId!,
        clientSecretSealed: fields.clientSecretSealed ?? null,
        scopes: fields.scopes ?? validateScopes([], kind),
        claimMapping: fields.claimMapping ?? {},
        emailDomains: fields.emailDomains ?? [],
        exclusive: fields.exclusive ?? false,
        jitProvisioning: fields.jitProvisioning ?? true,
        trustEmailVerified: fields.trustEmailVerified ?? false,
        upstreamLogout: fields.upstreamLogout ?? true,
        enabled: fields.enabled ?? true,
      }),
    );
  }

  async update(actor: Actor, id: string, input: UpdateIdentityProviderInput): Promise<IdentityProvider> {
    return this.applyUpdate(await this.get(actor, id), input);
  }

  /** Updates a provider without an actor check (provisioning). */
  async updateTrusted(id: string, input: UpdateIdentityProviderInput): Promise<IdentityProvider> {
    const current = await this.findById(id);
    ensure(current, () => errors.notFound(`identityProvider ${JSON.stringify(id)}`));
    return this.applyUpdate(current, input);
  }

  /** A tenant's providers without an actor check (provisioning). */
  async listTrusted(tenant: Tenant): Promise<IdentityProvider[]> {
    return this.store.list(tenant.id);
  }

  private async applyUpdate(current: IdentityProvider, input: UpdateIdentityProviderInput): Promise<IdentityProvider> {
    const id = current.id;
    const validated = this.validated(current.kind, input, false);
    const changes: IdentityProviderChanges = input.clearClientSecret === true ? { ...validated, clientSecretSealed: null } : validated;
    this.checkEndpoints(current.kind, { ...current, ...changes });
    const updated = await this.unique(() => this.store.update(id, changes));
    ensure(updated, () => errors.notFound(`identityProvider ${JSON.stringify(id)}`));
    return updated;
  }

  /** Deletes the provider; its federated identities go with it (their users stay, without that way in). */
  async delete(actor: Actor, id: string): Promise<IdentityProvider> {
    const current = await this.get(actor, id);
    await this.store.delete(id);
    return current;
  }

  /** `{tenant issuer}/federation/{alias}/callback`: the redirect URI to register at the upstream. */
  redirectUri(provider: Pick<IdentityProvider, 'alias'>, tenantPath: string): string {
    return `${tenantIssuer(this.issuerBase, tenantPath)}/federation/${provider.alias}/callback`;
  }

  /** `{tenant issuer}/federation/{alias}/backchannel-logout`: the back-channel logout URI to register at the upstream. */
  backchannelLogoutUri(provider: Pick<IdentityProvider, 'alias'>, tenantPath: string): string {
    return `${tenantIssuer(this.issuerBase, tenantPath)}/federation/${provider.alias}/backchannel-logout`;
  }

  /** `{tenant issuer}/federation/{alias}/logged-out`: the post-logout redirect URI to register at the upstream. */
  postLogoutRedirectUri(provider: Pick<IdentityProvider, 'alias'>, tenantPath: string): string {
    return `${tenantIssuer(this.issuerBase, tenantPath)}/federation/${provider.alias}/logged-out`;
  }

  // ---- Sign-in lookups (trusted) ----

  /** The tenant's enabled providers, for the sign-in page's buttons. */
  async enabledOf(tenant: Tenant): Promise<IdentityProvider[]> {
    return (await this.store.list(tenant.id)).filter((provider) => provider.enabled);
  }

  /** The enabled provider that the email typed on the sign-in form routes to (home-realm discovery), or null. */
  async routeEmail(tenant: Tenant, typed: string | undefined): Promise<IdentityProvider | null> {
    const domain = emailDomainOf(typed);
    if (!domain) return null;
    const provider = await this.store.findByDomain(tenant.id, domain);
    return provider?.enabled ? provider : null;
  }

  async enabledByAlias(tenant: Tenant, alias: string): Promise<IdentityProvider | null> {
    if (!/^[a-z0-9-]{1,64}$/.test(alias)) return null;
    const provider = await this.store.findByAlias(tenant.id, alias);
    return provider?.enabled ? provider : null;
  }

  async findById(id: string): Promise<IdentityProvider | null> {
    return isUuid(id) ? this.store.findById(id) : null;
  }

  /** What the relying party needs, the secret unsealed in memory only. */
  upstreamClient(provider: IdentityProvider, tenantPath: string): UpstreamClient {
    return {
      key: `${provider.id}:${provider.updatedAt.getTime()}`,
      kind: provider.kind,
      issuer: provider.issuer,
      authorizationEndpoint: provider.authorizationEndpoint,
      tokenEndpoint: provider.tokenEndpoint,
      userinfoEndpoint: provider.userinfoEndpoint,
      clientId: provider.clientId,
      clientSecret: provider.clientSecretSealed === null ? null : this.secret.decrypt(provider.clientSecretSealed, 'idp-client-secret'),
      scopes: provider.scopes,
      redirectUri: this.redirectUri(provider, tenantPath),
    };
  }

  private validated(kind: IdentityProviderKind, input: IdentityProviderFields, creating: boolean): IdentityProviderChanges {
    const changes: { -readonly [K in keyof IdentityProviderChanges]: IdentityProviderChanges[K] } = {};
    const given = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
    if (given(input.alias)) changes.alias = validateAlias(input.alias);
    if (given(input.name)) changes.name = validateProviderName(input.name);
    if (given(input.issuer)) changes.issuer = validateUpstreamUrl('issuer', input.issuer, this.policy);
    for (const field of ['authorizationEndpoint', 'tokenEndpoint', 'userinfoEndpoint'] as const) {
      const value = input[field];
      if (value === undefined) continue;
      changes[field] = value === null || value === '' ? null : validateUpstreamUrl(field, value, this.policy);
    }
    if (given(input.clientId)) changes.clientId = validateClientId(input.clientId);
    if (given(input.clientSecret))
      changes.clientSecretSealed = this.secret.encrypt(validateClientSecret(input.clientSecret), 'idp-client-secret');
    if (given(input.scopes)) changes.scopes = validateScopes(input.scopes, kind);
    if (given(input.claimMapping)) changes.claimMapping = validateClaimMapping(input.claimMapping);
    if (given(input.emailDomains)) changes.emailDomains = validateEmailDomains(input.emailDomains);
    if (given(input.exclusive)) changes.exclusive = input.exclusive;
    if (given(input.jitProvisioning)) changes.jitProvisioning = input.jitProvisioning;
    if (given(input.trustEmailVerified)) changes.trustEmailVerified = input.trustEmailVerified;
    if (given(input.upstreamLogout)) changes.upstreamLogout = input.upstreamLogout;
    if (given(input.enabled)) changes.enabled = input.enabled;
    if (creating) {
      ensure(changes.alias, () => errors.validation('alias', 'is required'));
      ensure(changes.name, () => errors.validation('name', 'is required'));
      ensure(changes.issuer, () => errors.validation('issuer', 'is required'));
      ensure(changes.clientId, () => errors.validation('clientId', 'is required'));
    }
    return changes;
  }

  /** OAUTH2 names its three endpoints; OIDC discovers them from its issuer and names none. */
  private checkEndpoints(
    kind: IdentityProviderKind,
    provider: Pick<IdentityProviderChanges, 'authorizationEndpoint' | 'tokenEndpoint' | 'userinfoEndpoint'>,
  ): void {
    for (const field of ['authorizationEndpoint', 'tokenEndpoint', 'userinfoEndpoint'] as const) {
      if (kind === 'OAUTH2') ensure(provider[field], () => errors.validation(field, 'is required for an OAUTH2 provider'));
      else ensure(!provider[field], () => errors.validation(field, 'is discovered from the issuer for an OIDC provider; leave it out'));
    }
  }

  private unique<T>(write: () => Promise<T>): Promise<T> {
    return refuseUniqueViolation(
      write,
      'alias',
      'the alias or one of the email domains is already used by another provider of this tenant',
    );
  }
}
