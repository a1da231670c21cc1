import { defaults } from '../../config/defaults';
import { validateApiName, validateIdentifier, validateLifetime, validatePermissions, validateText } from '../apis/validate-api';
import { ADMIN_ROLE } from '../roles/role';
import { validateRoleName } from '../roles/validate-role';
import type { SigningAlgorithm } from '../keys/signing-algorithm';
import { chooseClientSecret } from '../clients/client-secret';
import { validateClientId } from '../clients/validate-client-id';
import type { TokenExchangeInput } from '../clients/token-exchange-policy';
import type { ClientJwks, ResponseStyle, TokenEndpointAuthMethod } from '../clients/client';
import { validateClientSettings } from '../clients/validate-client-settings';
import { ensureTenantConforms, validateSecurityProfile } from '../profiles/security-profile';
import type { SecurityProfile } from '../profiles/security-profiles';
import type { GrantCatalogue } from '../grants/grant-registry';
import { validateRedirectUri } from '../clients/validate-redirect-uri';
import { SIGNING_ALGORITHMS } from '../tenants/tenant';
import { defaultTenantName, normalizeTenantPath } from '../tenants/tenant-path';
import { usernameKey } from '../users/username-key';
import { validatePassword, validateUsername, validateUserProfile } from '../users/validate-user-profile';
import { validateDisplayName } from '../validate-display-name';
import { validateMfaPolicy, validateMfaRequiredRoles } from '../mfa/second-factor-policy';
import { validateRefreshReuseGrace } from '../tokens/refresh-reuse-grace';
import { longestSignedTokenLifetime, validateKeyRotationPolicy } from '../keys/key-rotation-policy';
import { DocumentReader, type ProvisioningVariables } from './document-reader';
import { ProvisioningError } from './provisioning-error';
import type {
  PlannedApi,
  PlannedClient,
  PlannedIdentityProvider,
  PlannedRole,
  PlannedTenant,
  PlannedUser,
  ProvisioningPlan,
} from './provisioning-plan';
import {
  validateAlias,
  validateClaimMapping,
  validateClientId as validateUpstreamClientId,
  validateClientSecret,
  validateEmailDomains,
  validateKind,
  validateProviderName,
  validateScopes,
} from '../federation/validate-identity-provider';

const TENANT_FIELDS = [
  'path',
  'name',
  'signingAlgorithm',
  'allowSelfSignup',
  'allowOpenClientRegistration',
  'requirePushedAuthorizationRequests',
  'securityProfile',
  'mfaPolicy',
  'mfaRequiredRoles',
  'refreshReuseGraceSeconds',
  'keyRotationDays',
  'keyPublicationSeconds',
  'apis',
  'roles',
  'clients',
  'users',
  'identityProviders',
] as const;
const API_FIELDS = ['identifier', 'name', 'permissions', 'accessTokenLifetime', 'acceptsChildTenants', 'isDefault'] as const;
const PERMISSION_FIELDS = ['name', 'description'] as const;
const ROLE_FIELDS = ['name', 'description', 'permissions'] as const;
const ROLE_PERMISSION_FIELDS = ['api', 'permission'] as const;
const CLIENT_FIELDS = [
  'clientId',
  'name',
  'isPublic',
  'clientSecret',
  'redirectUris',
  'postLogoutRedirectUris',
  'grantTypes',
  'allowedScopes',
  'firstParty',
  'accessTokenLifetime',
  'refreshTokenLifetime',
  'responseStyle',
  'tokenExchange',
  'dpopBoundAccessTokens',
  'requirePushedAuthorizationRequests',
  'requireSignedRequestObject',
  'securityProfile',
  'tokenEndpointAuthMethod',
  'jwks',
  'jwksUri',
  'backchannelLogoutUri',
  'backchannelLogoutSessionRequired',
  'enabled',
  'roles',
] as const;
const TOKEN_EXCHANGE_FIELDS = ['impersonation', 'delegation', 'subtree'] as const;
const USER_FIELDS = ['username', 'password', 'email', 'phone', 'firstname', 'lastname', 'enabled', 'roles'] as const;
const IDENTITY_PROVIDER_FIELDS = [
  'alias',
  'kind',
  'name',
  'issuer',
  'authorizationEndpoint',
  'tokenEndpoint',
  'userinfoEndpoint',
  'clientId',
  'clientSecret',
  'scopes',
  'claimMapping',
  'emailDomains',
  'exclusive',
  'jitProvisioning',
  'trustEmailVerified',
  'upstreamLogout',
  'enabled',
] as const;

/** The fields each kind of entry may have: docs/provisioning.schema.json lists exactly these (a drift test holds them together). */
export const PROVISIONING_FIELDS = {
  tenant: TENANT_FIELDS,
  api: API_FIELDS,
  apiPermission: PERMISSION_FIELDS,
  role: ROLE_FIELDS,
  rolePermission: ROLE_PERMISSION_FIELDS,
  client: CLIENT_FIELDS,
  user: USER_FIELDS,
  identityProvider: IDENTITY_PROVIDER_FIELDS,
} as const;

/**
 * Parses the text of a provisioning file: JSON, then {@link parseProvisioningDocument}.
 * @throws ProvisioningError listing every problem.
 */
export function parseProvisioningText(text: string, variables: ProvisioningVariables, grants: GrantCatalogue): ProvisioningPlan {
  return parseProvisioningDocument(parseJson(text), variables, grants);
}

/**
 * {@link parseProvisioningText} for a sender (`tenant-idp apply`): also returns the document
 * with every `${NAME}` reference the plan read resolved, exactly where the parser expands them,
 * to be sent to the server, which parses it without variables (`variables: null`).
 * @throws ProvisioningError listing every problem.
 */
export function resolveProvisioningText(
  text: string,
  variables: ProvisioningVariables,
  grants: GrantCatalogue,
): { plan: ProvisioningPlan; document: { tenants: unknown[] } } {
  const raw = parseJson(text);
  const plan = readDocument(raw, new DocumentReader(variables, true), grants);
  // A plan was read, so the document is an object whose `tenants` are objects (each plan tenant is one of them, in order).
  return { plan, document: { tenants: (raw as { tenants?: unknown[] }).tenants ?? [] } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProvisioningError([`(file): not valid JSON (${(error as Error).message})`]);
  }
}

/**
 * Validates a provisioning document (docs/provisioning.schema.json) with the
 * domain's own validators, expanding `${NAME}` from `variables` (null: the sender
 * resolved them, strings are taken as they are), and fills in every default.
 * Grant types are checked against `grants` (the server's registry).
 * Pure: nothing is read from or written to the database.
 * @throws ProvisioningError listing every problem, each with its JSON path.
 */
export function parseProvisioningDocument(raw: unknown, variables: ProvisioningVariables | null, grants: GrantCatalogue): ProvisioningPlan {
  return readDocument(raw, new DocumentReader(variables), grants);
}

function readDocument(raw: unknown, reader: DocumentReader, grants: GrantCatalogue): ProvisioningPlan {
  const root = reader.object(raw, '(file)', ['$schema', 'tenants']);
  const tenants = root ? reader.array(root, 'tenants', '').map((value, i) => readTenant(reader, value, `tenants[${i}]`, grants)) : [];
  const planned = tenants.filter((t): t is PlannedTenant => t !== null);
  if (reader.problems.length === 0) findDuplicates(reader, planned);
  if (reader.problems.length > 0) throw new ProvisioningError(reader.problems);
  return { tenants: planned };
}

function readTenant(reader: DocumentReader, value: unknown, at: string, grants: GrantCatalogue): PlannedTenant | null {
  const object = reader.object(value, at, TENANT_FIELDS);
  if (!object) return null;
  const before = reader.problems.length;
  const rawPath = reader.string(object, 'path', at, { required: true });
  const path = typeof rawPath === 'string' ? reader.check(at, () => normalizeTenantPath(rawPath, `${at}.path`)) : undefined;
  const rawName = reader.string(object, 'name', at);
  const name =
    path === undefined ? undefined : reader.check(at, () => validateDisplayName(rawName ?? defaultTenantName(path), `${at}.name`));
  const signingAlgorithm = (reader.string(object, 'signingAlgorithm', at) ?? defaults.signingAlgorithm) as SigningAlgorithm;
  if (!SIGNING_ALGORITHMS.includes(signingAlgorithm))
    reader.problem(`${at}.signingAlgorithm`, `must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  const allowSelfSignup = reader.boolean(object, 'allowSelfSignup', at) ?? false;
  const allowOpenClientRegistration = reader.boolean(object, 'allowOpenClientRegistration', at) ?? false;
  const requirePushedAuthorizationRequests = reader.boolean(object, 'requirePushedAuthorizationRequests', at) ?? false;
  const securityProfile = reader.check(at, () =>
    validateSecurityProfile(reader.string(object, 'securityProfile', at) ?? 'NONE', `${at}.securityProfile`),
  );
  if (securityProfile !== undefined && path !== undefined && SIGNING_ALGORITHMS.includes(signingAlgorithm))
    reader.check(at, () => ensureTenantConforms({ path, securityProfile, signingAlgorithm }, 'securityProfile'));
  const mfaPolicy = reader.check(at, () => validateMfaPolicy(reader.string(object, 'mfaPolicy', at) ?? 'OPTIONAL', `${at}.mfaPolicy`));
  const mfaRequiredRoles = reader.check(at, () =>
    validateMfaRequiredRoles(reader.strings(object, 'mfaRequiredRoles', at) ?? [], `${at}.mfaRequiredRoles`),
  );
  const refreshReuseGraceSeconds = reader.check(at, () =>
    validateRefreshReuseGrace(reader.integer(object, 'refreshReuseGraceSeconds', at) ?? 0, `${at}.refreshReuseGraceSeconds`),
  );
  const apis = reader.array(object, 'apis', at).map((a, i) => readApi(reader, a, `${at}.apis[${i}]`));
  const roles = reader.array(object, 'roles', at).map((r, i) => readRole(reader, r, `${at}.roles[${i}]`));
  const clients = reader.array(object, 'clients', at).map((c, i) => readClient(reader, c, `${at}.clients[${i}]`, grants));
  const users = reader.array(object, 'users', at).map((u, i) => readUser(reader, u, `${at}.users[${i}]`));
  const clientLifetimes = (clients as (PlannedClient | null)[]).map((c) => c?.settings.accessTokenLifetime ?? 0);
  const rotation = reader.check(at, () =>
    validateKeyRotationPolicy(
      {
        keyRotationDays: reader.integer(object, 'keyRotationDays', at) ?? 0,
        keyPublicationSeconds: reader.integer(object, 'keyPublicationSeconds', at) ?? defaults.keyPublicationSeconds,
      },
      longestSignedTokenLifetime(Math.max(0, ...clientLifetimes)),
      `${at}.`,
    ),
  );
  const identityProviders = reader
    .array(object, 'identityProviders', at)
    .map((p, i) => readIdentityProvider(reader, p, `${at}.identityProviders[${i}]`));
  if (
    reader.problems.length > before ||
    path === undefined ||
    name === undefined ||
    securityProfile === undefined ||
    mfaPolicy === undefined ||
    mfaRequiredRoles === undefined ||
    refreshReuseGraceSeconds === undefined ||
    rotation === undefined
  )
    return null;
  return {
    at,
    path,
    name,
    signingAlgorithm,
    allowSelfSignup,
    allowOpenClientRegistration,
    requirePushedAuthorizationRequests,
    securityProfile,
    mfaPolicy,
    mfaRequiredRoles,
    refreshReuseGraceSeconds,
    ...rotation,
    apis: apis as PlannedApi[],
    roles: roles as PlannedRole[],
    clients: clients as PlannedClient[],
    users: users as PlannedUser[],
    identityProviders: identityProviders as PlannedIdentityProvider[],
  };
}

function readApi(reader: DocumentReader, value: unknown, at: string): PlannedApi | null {
  const object = reader.object(value, at, API_FIELDS);
  if (!object) return null;
  const before = reader.problems.length;
  const rawIdentifier = reader.string(object, 'identifier', at, { required: true });
  const identifier =
    typeof rawIdentifier === 'string' ? reader.check(at, () => validateIdentifier(rawIdentifier, `${at}.identifier`)) : undefined;
  const rawName = reader.string(object, 'name', at, { required: true });
  const name = typeof rawName === 'string' ? reader.check(at, () => validateApiName(rawName)) : undefined;
  const rawPermissions = reader.array(object, 'permissions', at).map((p, i) => {
    const entryAt = `${at}.permissions[${i}]`;
    const entry = reader.object(p, entryAt, PERMISSION_FIELDS);
    if (!entry) return null;
    return { name: reader.string(entry, 'name', entryAt, { required: true }), description: reader.string(entry, 'description', entryAt) };
  });
  const lifetime = reader.integer(object, 'accessTokenLifetime', at);
  const acceptsChildTenants = reader.boolean(object, 'acceptsChildTenants', at) ?? false;
  const isDefault = reader.boolean(object, 'isDefault', at) ?? false;
  if (reader.problems.length > before) return null;
  const permissions = reader.check(at, () => validatePermissions(rawPermissions as { name: string }[], `${at}.permissions`));
  const accessTokenLifetime = reader.check(at, () =>
    validateLifetime(lifetime ?? defaults.accessTokenLifetimeSeconds, `${at}.accessTokenLifetime`),
  );
  if (!permissions || accessTokenLifetime === undefined || identifier === undefined || name === undefined) return null;
  return { at, identifier, name, permissions, accessTokenLifetime, acceptsChildTenants, isDefault };
}

function readRole(reader: DocumentReader, value: unknown, at: string): PlannedRole | null {
  const object = reader.object(value, at, ROLE_FIELDS);
  if (!object) return null;
  const before = reader.problems.length;
  const rawName = reader.string(object, 'name', at, { required: true });
  const name = typeof rawName === 'string' ? reader.check(at, () => validateRoleName(rawName, `${at}.name`)) : undefined;
  const rawDescription = reader.string(object, 'description', at);
  const description = reader.check(at, () => validateText(rawDescription ?? '', 'description', 1000, false));
  const permissions = reader.array(object, 'permissions', at).map((p, i) => {
    const entryAt = `${at}.permissions[${i}]`;
    const entry = reader.object(p, entryAt, ROLE_PERMISSION_FIELDS);
    if (!entry) return null;
    const api = reader.string(entry, 'api', entryAt, { required: true });
    if (typeof api === 'string') reader.check(entryAt, () => validateIdentifier(api, `${entryAt}.api`));
    const permission = reader.string(entry, 'permission', entryAt, { required: true });
    if (permission === '') reader.problem(`${entryAt}.permission`, 'must not be empty');
    return { api: api as string, permission: permission as string };
  });
  if (reader.problems.length > before || name === undefined || description === undefined) return null;
  return { at, name, description, permissions: permissions as PlannedRole['permissions'] };
}

/**
 * A `roles` list of a user or client: role names of its tenant, each once; `admin` (the built-in
 * role, a user's admin flag) only for users. Absent: null, the subject's roles stay as they are.
 */
function readRoleNames(reader: DocumentReader, object: Record<string, unknown>, at: string, forUser: boolean): string[] | null {
  const names = reader.strings(object, 'roles', at);
  if (names === undefined) return null;
  const seen = new Set<string>();
  const valid = names.map((raw, i) => {
    const entryAt = `${at}.roles[${i}]`;
    let name: string | undefined = raw;
    if (raw === ADMIN_ROLE) {
      if (!forUser) reader.problem(entryAt, 'the built-in role admin is for users; a client gets scope admin through its allowedScopes');
    } else name = reader.check(entryAt, () => validateRoleName(raw, entryAt));
    if (name !== undefined && seen.has(name)) reader.problem(entryAt, `role ${name} appears twice`);
    if (name !== undefined) seen.add(name);
    return name ?? raw;
  });
  return valid;
}

function readClient(reader: DocumentReader, value: unknown, at: string, grants: GrantCatalogue): PlannedClient | null {
  const object = reader.object(value, at, CLIENT_FIELDS);
  if (!object) return null;
  const before = reader.problems.length;
  const rawId = reader.string(object, 'clientId', at, { required: true });
  const clientId = typeof rawId === 'string' ? reader.check(at, () => validateClientId(rawId, `${at}.clientId`)) : undefined;
  const rawName = reader.string(object, 'name', at, { required: true });
  const name = typeof rawName === 'string' ? reader.check(at, () => validateDisplayName(rawName, `${at}.name`)) : undefined;
  const isPublic = reader.boolean(object, 'isPublic', at) ?? false;
  const secret = reader.string(object, 'clientSecret', at);
  let clientSecret: string | null = null;
  if (typeof secret === 'string') {
    if (isPublic) reader.problem(`${at}.clientSecret`, 'public clients have no secret');
    else clientSecret = reader.check(at, () => chooseClientSecret(secret, `${at}.clientSecret`)) ?? null;
  }
  const redirectUris = reader.strings(object, 'redirectUris', at);
  redirectUris?.forEach((uri, i) => reader.check(at, () => validateRedirectUri(uri, `${at}.redirectUris[${i}]`)));
  const postLogoutRedirectUris = reader.strings(object, 'postLogoutRedirectUris', at);
  postLogoutRedirectUris?.forEach((uri, i) => reader.check(at, () => validateRedirectUri(uri, `${at}.postLogoutRedirectUris[${i}]`)));
  const input = {
    redirectUris,
    postLogoutRedirectUris,
    grantTypes: reader.strings(object, 'grantTypes', at),
    allowedScopes: reader.strings(object, 'allowedScopes', at),
    firstParty: reader.boolean(object, 'firstParty', at),
    accessTokenLifetime: reader.integer(object, 'accessTokenLifetime', at),
    refreshTokenLifetime: reader.integer(object, 'refreshTokenLifetime', at),
    responseStyle: reader.string(object, 'responseStyle', at) as ResponseStyle | undefined,
    tokenExchange: readTokenExchange(reader, object, at),
    dpopBoundAccessTokens: reader.boolean(object, 'dpopBoundAccessTokens', at),
    requirePushedAuthorizationRequests: reader.boolean(object, 'requirePushedAuthorizationRequests', at),
    requireSignedRequestObject: reader.boolean(object, 'requireSignedRequestObject', at),
    securityProfile: reader.string(object, 'securityProfile', at) as SecurityProfile | undefined,
    tokenEndpointAuthMethod: reader.string(object, 'tokenEndpointAuthMethod', at) as TokenEndpointAuthMethod | undefined,
    // A key set as a JSON object, or as JSON text (which may come from a ${VARIABLE}).
    jwks: typeof object.jwks === 'string' ? reader.string(object, 'jwks', at) : (object.jwks as ClientJwks | null | undefined),
    jwksUri: reader.string(object, 'jwksUri', at, { nullable: true }),
    backchannelLogoutUri: reader.string(object, 'backchannelLogoutUri', at, { nullable: true }),
    backchannelLogoutSessionRequired: reader.boolean(object, 'backchannelLogoutSessionRequired', at),
  };
  const enabled = reader.boolean(object, 'enabled', at) ?? true;
  const roles = readRoleNames(reader, object, at, false);
  if (reader.problems.length > before) return null;
  const settings = reader.check(at, () => validateClientSettings(input, isPublic, grants));
  if (!settings || clientId === undefined || name === undefined) return null;
  return { at, clientId, name, isPublic, clientSecret, settings, enabled, roles };
}

/** A client's `tokenExchange` object (its flags default to false); undefined when absent or malformed. */
function readTokenExchange(reader: DocumentReader, client: Record<string, unknown>, at: string): TokenExchangeInput | undefined {
  if (client.tokenExchange === undefined) return undefined;
  const within = `${at}.tokenExchange`;
  const object = reader.object(client.tokenExchange, within, TOKEN_EXCHANGE_FIELDS);
  if (!object) return undefined;
  return {
    impersonation: reader.boolean(object, 'impersonation', within),
    delegation: reader.boolean(object, 'delegation', within),
    subtree: reader.boolean(object, 'subtree', within),
  };
}

function readUser(reader: DocumentReader, value: unknown, at: string): PlannedUser | null {
  const object = reader.object(value, at, USER_FIELDS);
  if (!object) return null;
  const before = reader.problems.length;
  const rawUsername = reader.string(object, 'username', at, { required: true });
  const username = typeof rawUsername === 'string' ? reader.check(at, () => validateUsername(rawUsername)) : undefined;
  const rawPassword = reader.string(object, 'password', at);
  const password = typeof rawPassword === 'string' ? reader.check(at, () => validatePassword(rawPassword, `${at}.password`)) : null;
  const beforeProfile = reader.problems.length;
  const input = {
    email: reader.string(object, 'email', at, { nullable: true }),
    phone: reader.string(object, 'phone', at, { nullable: true }),
    firstname: reader.string(object, 'firstname', at, { nullable: true }),
    lastname: reader.string(object, 'lastname', at, { nullable: true }),
  };
  const profile = reader.problems.length === beforeProfile ? reader.check(at, () => validateUserProfile(input)) : undefined;
  const enabled = reader.boolean(object, 'enabled', at) ?? true;
  const roles = readRoleNames(reader, object, at, true);
  if (reader.problems.length > before || !profile || username === undefined || password === undefined) return null;
  const { email = null, phone = null, firstname = null, lastname = null } = profile;
  return { at, username, password, profile: { email, phone, firstname, lastname }, enabled, roles };
}

/**
 * An upstream identity provider of the tenant, matched on its alias. URLs are checked against the
 * outbound policy when applied (IdentityProviderService), the rest here. A `clientSecret` (best a
 * `${VARIABLE}` reference) replaces the stored one; without one an existing provider keeps its secret.
 */
function readIdentityProvider(reader: DocumentReader, value: unknown, at: string): PlannedIdentityProvider | null {
  const object = reader.object(value, at, IDENTITY_PROVIDER_FIELDS);
  if (!object) return null;
  const before = reader.problems.length;
  const text = (field: string, required = false) => reader.string(object, field, at, { required });
  const checked = <T>(field: string, raw: unknown, validate: (value: never) => T): T | undefined =>
    raw === undefined || raw === null ? undefined : reader.check(at, () => validate(raw as never));
  const kind = checked('kind', text('kind') ?? 'OIDC', validateKind);
  const alias = checked('alias', text('alias', true), validateAlias);
  const name = checked('name', text('name', true), validateProviderName);
  const issuer = text('issuer', true);
  const clientId = checked('clientId', text('clientId', true), validateUpstreamClientId);
  const clientSecret = checked('clientSecret', text('clientSecret'), validateClientSecret) ?? null;
  const scopes = kind ? checked('scopes', reader.strings(object, 'scopes', at) ?? [], (s: string[]) => validateScopes(s, kind)) : undefined;
  const rawMapping =
    object.claimMapping === undefined
      ? {}
      : reader.object(object.claimMapping, `${at}.claimMapping`, ['username', 'email', 'firstname', 'lastname', 'phone']);
  const claimMapping = rawMapping ? checked('claimMapping', rawMapping, validateClaimMapping) : undefined;
  const emailDomains = checked('emailDomains', reader.strings(object, 'emailDomains', at) ?? [], validateEmailDomains);
  const planned = {
    at,
    kind: kind!,
    alias: alias!,
    name: name!,
    issuer: issuer as string,
    authorizationEndpoint: text('authorizationEndpoint') ?? null,
    tokenEndpoint: text('tokenEndpoint') ?? null,
    userinfoEndpoint: text('userinfoEndpoint') ?? null,
    clientId: clientId!,
    clientSecret,
    scopes: scopes!,
    claimMapping: claimMapping!,
    emailDomains: emailDomains!,
    exclusive: reader.boolean(object, 'exclusive', at) ?? false,
    jitProvisioning: reader.boolean(object, 'jitProvisioning', at) ?? true,
    trustEmailVerified: reader.boolean(object, 'trustEmailVerified', at) ?? false,
    upstreamLogout: reader.boolean(object, 'upstreamLogout', at) ?? true,
    enabled: reader.boolean(object, 'enabled', at) ?? true,
  };
  if (reader.problems.length > before || [kind, alias, name, clientId, scopes, claimMapping, emailDomains].includes(undefined)) return null;
  return planned;
}

/**
 * Natural keys must be unique in the file: tenant paths, client ids (global), usernames within a tenant
 * (regardless of case), API identifiers and role names within a tenant; a tenant has at most one default API.
 */
function findDuplicates(reader: DocumentReader, tenants: PlannedTenant[]): void {
  const seen = new Map<string, string>();
  const once = (key: string, at: string, what: string) => {
    const first = seen.get(key);
    if (first) reader.problem(at, `${what} appears twice in the file (first at ${first})`);
    else seen.set(key, at);
  };
  for (const tenant of tenants) {
    once(`tenant ${tenant.path}`, `${tenant.at}.path`, `tenant ${tenant.path}`);
    for (const api of tenant.apis) {
      once(`api ${tenant.path} ${api.identifier}`, `${api.at}.identifier`, `API ${api.identifier} of ${tenant.path}`);
      if (api.isDefault) once(`default api ${tenant.path}`, `${api.at}.isDefault`, `a default API of ${tenant.path}`);
    }
    for (const role of tenant.roles) once(`role ${tenant.path} ${role.name}`, `${role.at}.name`, `role ${role.name} of ${tenant.path}`);
    for (const client of tenant.clients) once(`client ${client.clientId}`, `${client.at}.clientId`, `client ${client.clientId}`);
    for (const user of tenant.users)
      once(`user ${tenant.path} ${usernameKey(user.username)}`, `${user.at}.username`, `user ${user.username} of ${tenant.path}`);
    for (const provider of tenant.identityProviders) {
      once(`idp ${tenant.path} ${provider.alias}`, `${provider.at}.alias`, `identity provider ${provider.alias} of ${tenant.path}`);
      for (const domain of provider.emailDomains)
        once(`idp domain ${tenant.path} ${domain}`, `${provider.at}.emailDomains`, `email domain ${domain} of ${tenant.path}`);
    }
  }
}
