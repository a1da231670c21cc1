import { defaults } from '../../config/defaults';
import type { SigningAlgorithm } from '../keys/signing-algorithm';
import { chooseClientSecret } from '../clients/client-secret';
import { validateClientId } from '../clients/validate-client-id';
import type { ResponseStyle } from '../clients/client';
import { validateClientSettings } from '../clients/validate-client-settings';
import type { GrantCatalogue } from '../grants/grant-registry';
import { validateRedirectUri } from '../clients/validate-redirect-uri';
import { SIGNING_ALGORITHMS } from '../tenants/tenant';
import { defaultTenantName, normalizeTenantPath } from '../tenants/tenant-path';
import { usernameKey } from '../users/username-key';
import { validatePassword, validateUsername, validateUserProfile } from '../users/validate-user-profile';
import { validateDisplayName } from '../validate-display-name';
import { DocumentReader, type ProvisioningVariables } from './document-reader';
import { ProvisioningError } from './provisioning-error';
import type { PlannedClient, PlannedTenant, PlannedUser, ProvisioningPlan } from './provisioning-plan';

const TENANT_FIELDS = ['path', 'name', 'signingAlgorithm', 'allowSelfSignup', 'clients', 'users'] as const;
const CLIENT_FIELDS = [
  'clientId',
  'name',
  'isPublic',
  'clientSecret',
  'redirectUris',
  'grantTypes',
  'allowedScopes',
  'firstParty',
  'accessTokenLifetime',
  'refreshTokenLifetime',
  'responseStyle',
  'enabled',
] as const;
const USER_FIELDS = ['username', 'password', 'email', 'phone', 'firstname', 'lastname', 'enabled'] as const;

/**
 * Parses the text of a provisioning file: JSON, then {@link parseProvisioningDocument}.
 * @throws ProvisioningError listing every problem.
 */
export function parseProvisioningText(text: string, variables: ProvisioningVariables, grants: GrantCatalogue): ProvisioningPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ProvisioningError([`(file): not valid JSON (${(error as Error).message})`]);
  }
  return parseProvisioningDocument(raw, variables, grants);
}

/**
 * Validates a provisioning document (docs/provisioning.schema.json) with the
 * domain's own validators, expanding `${NAME}` from `variables`, and fills in
 * every default. Grant types are checked against `grants` (the server's registry).
 * Pure: nothing is read from or written to the database.
 * @throws ProvisioningError listing every problem, each with its JSON path.
 */
export function parseProvisioningDocument(raw: unknown, variables: ProvisioningVariables, grants: GrantCatalogue): ProvisioningPlan {
  const reader = new DocumentReader(variables);
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
  const clients = reader.array(object, 'clients', at).map((c, i) => readClient(reader, c, `${at}.clients[${i}]`, grants));
  const users = reader.array(object, 'users', at).map((u, i) => readUser(reader, u, `${at}.users[${i}]`));
  if (reader.problems.length > before || path === undefined || name === undefined) return null;
  return { at, path, name, signingAlgorithm, allowSelfSignup, clients: clients as PlannedClient[], users: users as PlannedUser[] };
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
  const input = {
    redirectUris,
    grantTypes: reader.strings(object, 'grantTypes', at),
    allowedScopes: reader.strings(object, 'allowedScopes', at),
    firstParty: reader.boolean(object, 'firstParty', at),
    accessTokenLifetime: reader.integer(object, 'accessTokenLifetime', at),
    refreshTokenLifetime: reader.integer(object, 'refreshTokenLifetime', at),
    responseStyle: reader.string(object, 'responseStyle', at) as ResponseStyle | undefined,
  };
  const enabled = reader.boolean(object, 'enabled', at) ?? true;
  if (reader.problems.length > before) return null;
  const settings = reader.check(at, () => validateClientSettings(input, isPublic, grants));
  if (!settings || clientId === undefined || name === undefined) return null;
  return { at, clientId, name, isPublic, clientSecret, settings, enabled };
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
  if (reader.problems.length > before || !profile || username === undefined || password === undefined) return null;
  const { email = null, phone = null, firstname = null, lastname = null } = profile;
  return { at, username, password, profile: { email, phone, firstname, lastname }, enabled };
}

/** Natural keys must be unique in the file: tenant paths, client ids (global), usernames within a tenant (regardless of case). */
function findDuplicates(reader: DocumentReader, tenants: PlannedTenant[]): void {
  const seen = new Map<string, string>();
  const once = (key: string, at: string, what: string) => {
    const first = seen.get(key);
    if (first) reader.problem(at, `${what} appears twice in the file (first at ${first})`);
    else seen.set(key, at);
  };
  for (const tenant of tenants) {
    once(`tenant ${tenant.path}`, `${tenant.at}.path`, `tenant ${tenant.path}`);
    for (const client of tenant.clients) once(`client ${client.clientId}`, `${client.at}.clientId`, `client ${client.clientId}`);
    for (const user of tenant.users)
      once(`user ${tenant.path} ${usernameKey(user.username)}`, `${user.at}.username`, `user ${user.username} of ${tenant.path}`);
  }
}
