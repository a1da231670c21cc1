import { isReservedClientId } from '../domain/clients/validate-client-id';
import { isWithinTenant } from '../domain/tenants/tenant-path';
import type {
  ApiFieldsFragment,
  ClientFieldsFragment,
  IdentityProviderFieldsFragment,
  RoleFieldsFragment,
  TenantFieldsFragment,
  UserFieldsFragment,
} from '../sdk/client';
import { allPages } from './command';
import type { Connection } from './connection';
import { fileResponseStyle } from './response-style';

/**
 * A tenant and its subtree in the provisioning format (docs/provisioning.schema.json),
 * read through the admin API. Carries no secret and no password: the API has none to give.
 * Clients the server makes itself (`account.*`, `console`, `console.*`) are left out: a file may not name them.
 * Each tenant's APIs, its roles (not the built-in `admin`) and the roles its clients and users hold are
 * written too, so applying the export to an empty server rebuilds what tokens carry.
 */
export async function exportSubtree(connection: Connection, rootPath: string) {
  const { sdk } = connection;
  const root = (await sdk.tenant({ path: rootPath })).tenant;
  const tenants = (await allPages(async (after) => (await sdk.tenants({ first: 100, after })).tenants))
    .filter((tenant) => isWithinTenant(tenant.path, root.path))
    .sort((a, b) => a.path.localeCompare(b.path));
  const exported = [];
  for (const tenant of tenants) {
    const clients = await allPages(async (after) => (await sdk.exportClients({ tenantPath: tenant.path, first: 100, after })).clients);
    const users = await allPages(async (after) => (await sdk.exportUsers({ tenantPath: tenant.path, first: 100, after })).users);
    const apis = (await sdk.apis({ tenantPath: tenant.path })).apis;
    const roles = (await sdk.roles({ tenantPath: tenant.path })).roles.filter((role) => !role.builtIn);
    // By client_id: clients applied together share their creation time, so the listing's order says nothing.
    const own = clients.filter((client) => !isReservedClientId(client.clientId)).sort((a, b) => a.clientId.localeCompare(b.clientId));
    const providers = (await sdk.identityProviders({ tenantPath: tenant.path })).identityProviders;
    exported.push({
      ...exportTenant(tenant),
      apis: apis.map(exportApi),
      roles: roles.map(exportRole),
      clients: own.map((client) => ({ ...exportClient(client), roles: roleNames(client.roles) })),
      users: users.map((user) => ({ ...exportUser(user), roles: roleNames(user.roles) })),
      ...(providers.length > 0 ? { identityProviders: providers.map((provider) => exportIdentityProvider(tenant.path, provider)) } : {}),
    });
  }
  return { tenants: exported };
}

const exportTenant = (t: TenantFieldsFragment) => ({
  path: t.path,
  name: t.name,
  signingAlgorithm: t.signingAlgorithm,
  allowSelfSignup: t.allowSelfSignup,
  allowOpenClientRegistration: t.allowOpenClientRegistration,
  requirePushedAuthorizationRequests: t.requirePushedAuthorizationRequests,
  securityProfile: t.securityProfile,
  mfaPolicy: t.mfaPolicy,
  mfaRequiredRoles: [...t.mfaRequiredRoles].sort(),
  refreshReuseGraceSeconds: t.refreshReuseGraceSeconds,
  keyRotationDays: t.keyRotationDays,
  keyPublicationSeconds: t.keyPublicationSeconds,
});

const roleNames = (roles: readonly { name: string }[]): string[] => roles.map((role) => role.name).sort();

const exportApi = (a: ApiFieldsFragment) => ({
  identifier: a.identifier,
  name: a.name,
  permissions: a.permissions.map((p) => (p.description ? { name: p.name, description: p.description } : { name: p.name })),
  accessTokenLifetime: a.accessTokenLifetime,
  acceptsChildTenants: a.acceptsChildTenants,
  isDefault: a.isDefault,
});

const exportRole = (r: RoleFieldsFragment) => ({
  name: r.name,
  ...(r.description ? { description: r.description } : {}),
  permissions: r.permissions.map((p) => ({ api: p.api, permission: p.permission })),
});

const exportClient = (c: ClientFieldsFragment) => ({
  clientId: c.clientId,
  name: c.name,
  isPublic: c.isPublic,
  redirectUris: c.redirectUris,
  grantTypes: c.grantTypes,
  allowedScopes: c.allowedScopes,
  firstParty: c.firstParty,
  accessTokenLifetime: c.accessTokenLifetime,
  refreshTokenLifetime: c.refreshTokenLifetime,
  responseStyle: fileResponseStyle(c.responseStyle),
  tokenExchange: { impersonation: c.tokenExchange.impersonation, delegation: c.tokenExchange.delegation, subtree: c.tokenExchange.subtree },
  dpopBoundAccessTokens: c.dpopBoundAccessTokens,
  requirePushedAuthorizationRequests: c.requirePushedAuthorizationRequests,
  requireSignedRequestObject: c.requireSignedRequestObject,
  securityProfile: c.securityProfile,
  tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
  // Public keys only (the server refuses private members), so the set may be written out as it is.
  ...(c.jwks ? { jwks: JSON.parse(c.jwks) as unknown } : {}),
  ...(c.jwksUri ? { jwksUri: c.jwksUri } : {}),
  ...(c.backchannelLogoutUri
    ? { backchannelLogoutUri: c.backchannelLogoutUri, backchannelLogoutSessionRequired: c.backchannelLogoutSessionRequired }
    : {}),
  ...(c.postLogoutRedirectUris.length > 0 ? { postLogoutRedirectUris: [...c.postLogoutRedirectUris] } : {}),
  enabled: c.enabled,
});

const exportUser = (u: UserFieldsFragment) => ({
  username: u.username,
  email: u.email,
  phone: u.phone,
  firstname: u.firstname,
  lastname: u.lastname,
  enabled: u.enabled,
});

/**
 * An identity provider without its secret (the API never returns it): a provider that has one gets a
 * `${VARIABLE}` reference in its place, named after the tenant and alias, to be supplied when applied.
 */
const exportIdentityProvider = (tenantPath: string, p: IdentityProviderFieldsFragment) => ({
  alias: p.alias,
  kind: p.kind,
  name: p.name,
  issuer: p.issuer,
  ...(p.authorizationEndpoint ? { authorizationEndpoint: p.authorizationEndpoint } : {}),
  ...(p.tokenEndpoint ? { tokenEndpoint: p.tokenEndpoint } : {}),
  ...(p.userinfoEndpoint ? { userinfoEndpoint: p.userinfoEndpoint } : {}),
  clientId: p.clientId,
  ...(p.hasClientSecret ? { clientSecret: `\${${secretVariable(tenantPath, p.alias)}}` } : {}),
  scopes: p.scopes,
  claimMapping: Object.fromEntries(p.claimMapping.map((entry) => [entry.field, entry.claim])),
  emailDomains: p.emailDomains,
  exclusive: p.exclusive,
  jitProvisioning: p.jitProvisioning,
  trustEmailVerified: p.trustEmailVerified,
  upstreamLogout: p.upstreamLogout,
  enabled: p.enabled,
});

/** `IDP_ACME_EU_OKTA_SECRET` for alias `okta` of `/acme/eu`. */
const secretVariable = (tenantPath: string, alias: string): string =>
  `IDP_${`${tenantPath.slice(1)}_${alias}`
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+/, '')
    .toUpperCase()}_SECRET`;
