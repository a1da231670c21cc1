import {
  emptyReport,
  parentsFirst,
  type PlannedClient,
  type PlannedIdentityProvider,
  type PlannedTenant,
  type PlannedUser,
  type ProvisioningPlan,
  type ProvisioningReport,
} from '../domain/provisioning/provisioning-plan';
import { differs } from '../domain/provisioning/provisioning-scope';
import { usernameKey } from '../domain/users/username-key';
import { GraphQLRequestError, type AdminSdk, type IdentityProviderFieldsFragment, type UserFieldsFragment } from '../sdk/client';
import { applyApi, applyRole, applyRoleAssignments } from './apply-access-through-api';
import { allPages } from './command';
import { CliError, EXIT } from './cli-error';
import type { Connection } from './connection';
import { apiResponseStyle } from './response-style';

export interface ApiApplyResult {
  report: ProvisioningReport;
  /** Secrets the server generated for clients created without one, shown once. */
  generatedSecrets: { clientId: string; clientSecret: string }[];
}

/**
 * Applies a validated plan through the admin API, entry by entry, matched on
 * natural keys like PROVISION_FILE. Not one transaction: a refusal stops at
 * that entry and names it. Secrets are compared through client authentication;
 * a password in the file is sent every time, and the server sets it only when it differs from the stored one.
 */
export async function applyThroughApi(connection: Connection, plan: ProvisioningPlan): Promise<ApiApplyResult> {
  const result: ApiApplyResult = { report: emptyReport(), generatedSecrets: [] };
  for (const tenant of parentsFirst(plan.tenants)) {
    await at(tenant.at, () => applyTenant(connection.sdk, tenant, result.report));
    for (const api of tenant.apis) await at(api.at, () => applyApi(connection.sdk, tenant.path, api, result.report));
    for (const role of tenant.roles) await at(role.at, () => applyRole(connection.sdk, tenant.path, role, result.report));
    for (const client of tenant.clients) await at(client.at, () => applyClient(connection, tenant.path, client, result));
    const users = new Map(
      (await allPages(async (after) => (await connection.sdk.users({ tenantPath: tenant.path, first: 100, after })).users)).map((u) => [
        usernameKey(u.username),
        u,
      ]),
    );
    for (const user of tenant.users)
      await at(user.at, () => applyUser(connection.sdk, tenant.path, user, users.get(usernameKey(user.username)), result.report));
    if (tenant.identityProviders.length > 0) {
      const providers = (await connection.sdk.identityProviders({ tenantPath: tenant.path })).identityProviders;
      for (const provider of tenant.identityProviders)
        await at(provider.at, () => applyIdentityProvider(connection.sdk, tenant.path, provider, providers, result.report));
    }
  }
  return result;
}

/** An identity provider, matched on its alias; a secret in the file is sent every time (the API never returns one to compare). */
async function applyIdentityProvider(
  sdk: AdminSdk,
  tenantPath: string,
  planned: PlannedIdentityProvider,
  existing: readonly IdentityProviderFieldsFragment[],
  report: ProvisioningReport,
): Promise<void> {
  const { at: _at, kind, clientSecret, claimMapping, ...wanted } = planned;
  const mapping = Object.entries(claimMapping).map(([field, claim]) => ({ field, claim }));
  const found = existing.find((provider) => provider.alias === planned.alias);
  if (!found) {
    await sdk.createIdentityProvider({ input: { tenantPath, kind, ...wanted, clientSecret, claimMapping: mapping } });
    report.identityProviders.created++;
    return;
  }
  const currentMapping = Object.fromEntries(found.claimMapping.map((entry) => [entry.field, entry.claim]));
  const changed = differs(found, wanted) || Object.entries(claimMapping).some(([field, claim]) => currentMapping[field] !== claim);
  if (changed || clientSecret !== null) {
    await sdk.updateIdentityProvider({
      id: found.id,
      input: { ...wanted, claimMapping: mapping, ...(clientSecret !== null ? { clientSecret } : {}) },
    });
    report.identityProviders.updated++;
  } else report.identityProviders.unchanged++;
}

async function applyTenant(sdk: AdminSdk, planned: PlannedTenant, report: ProvisioningReport): Promise<void> {
  const wanted = {
    name: planned.name,
    signingAlgorithm: planned.signingAlgorithm,
    allowSelfSignup: planned.allowSelfSignup,
    allowOpenClientRegistration: planned.allowOpenClientRegistration,
    requirePushedAuthorizationRequests: planned.requirePushedAuthorizationRequests,
    securityProfile: planned.securityProfile,
    mfaPolicy: planned.mfaPolicy,
    mfaRequiredRoles: planned.mfaRequiredRoles,
    refreshReuseGraceSeconds: planned.refreshReuseGraceSeconds,
    keyRotationDays: planned.keyRotationDays,
    keyPublicationSeconds: planned.keyPublicationSeconds,
  };
  const existing = await orNull(sdk.tenant({ path: planned.path }).then((r) => r.tenant));
  if (!existing) {
    await sdk.createTenant({ input: { path: planned.path, ...wanted } });
    report.tenants.created++;
  } else if (differs(existing, wanted)) {
    await sdk.updateTenant({ path: planned.path, input: wanted });
    report.tenants.updated++;
  } else report.tenants.unchanged++;
}

async function applyClient(connection: Connection, tenantPath: string, planned: PlannedClient, result: ApiApplyResult): Promise<void> {
  const { sdk } = connection;
  const wanted = {
    name: planned.name,
    ...planned.settings,
    responseStyle: apiResponseStyle(planned.settings.responseStyle),
    // The API takes and shows a key set as JSON text.
    jwks: planned.settings.jwks === null ? null : JSON.stringify(planned.settings.jwks),
    enabled: planned.enabled,
  };
  const existing = await orNull(sdk.client({ clientId: planned.clientId }).then((r) => r.client));
  if (!existing) {
    const { enabled: _enabled, ...settings } = wanted;
    const input = { tenantPath, clientId: planned.clientId, isPublic: planned.isPublic, clientSecret: planned.clientSecret, ...settings };
    const { createClient } = await sdk.createClient({ input });
    if (createClient.clientSecret && planned.clientSecret === null)
      result.generatedSecrets.push({ clientId: planned.clientId, clientSecret: createClient.clientSecret });
    if (!planned.enabled) await sdk.updateClient({ clientId: planned.clientId, input: { enabled: false } });
    await applyRoleAssignments(sdk, tenantPath, { clientId: planned.clientId }, planned.roles);
    result.report.clients.created++;
    return;
  }
  if (existing.tenantPath !== tenantPath)
    throw new CliError(EXIT.api, `clientId: client ${planned.clientId} already exists in tenant ${existing.tenantPath}`, 'CONFLICT');
  if (existing.isPublic !== planned.isPublic)
    throw new CliError(EXIT.api, 'isPublic: cannot change for an existing client (delete and re-create it)', 'CONFLICT');
  // A client switched to client_secret_jwt needs its secret stored again (sealed), even when it is the same one.
  const toHmac =
    planned.settings.tokenEndpointAuthMethod === 'client_secret_jwt' && existing.tokenEndpointAuthMethod !== 'client_secret_jwt';
  // The secret is checked the way the client authenticates now (a client_secret_jwt client only with an assertion).
  const secretChanged =
    planned.clientSecret !== null &&
    (toHmac || !(await connection.secretMatches(planned.clientId, planned.clientSecret, existing.tokenEndpointAuthMethod)));
  const changed = differs(existing, wanted);
  // The settings first: the secret is then stored the way the (new) method wants it.
  if (changed) await sdk.updateClient({ clientId: planned.clientId, input: wanted });
  if (secretChanged) await sdk.rotateClientSecret({ clientId: planned.clientId, clientSecret: planned.clientSecret });
  const rolesChanged = await applyRoleAssignments(sdk, tenantPath, { clientId: planned.clientId }, planned.roles);
  result.report.clients[changed || secretChanged || rolesChanged ? 'updated' : 'unchanged']++;
}

async function applyUser(
  sdk: AdminSdk,
  tenantPath: string,
  planned: PlannedUser,
  existing: UserFieldsFragment | undefined,
  report: ProvisioningReport,
): Promise<void> {
  const wanted = { ...planned.profile, enabled: planned.enabled };
  if (!existing) {
    if (planned.password === null) throw new CliError(EXIT.usage, 'password: required to create a user', 'INVALID_FILE');
    const { createUser } = await sdk.createUser({
      input: { tenantPath, username: planned.username, password: planned.password, ...planned.profile },
    });
    if (!planned.enabled) await sdk.updateUser({ id: createUser.id, input: { enabled: false } });
    await applyRoleAssignments(sdk, tenantPath, { userId: createUser.id }, planned.roles);
    report.users.created++;
    return;
  }
  // Usernames are case-insensitive: one differing only in case is another account, never updated or renamed.
  if (existing.username !== planned.username) {
    throw new CliError(
      EXIT.api,
      `username: user ${planned.username} differs only in case from the existing user ${existing.username} of ${tenantPath} (usernames are case-insensitive)`,
      'CONFLICT',
    );
  }
  const changed = differs(existing, wanted);
  const current = changed ? (await sdk.updateUser({ id: existing.id, input: wanted })).updateUser : existing;
  // The server sets a password only when it differs from the stored one (and then the user's `updatedAt` moves).
  const passwordChanged =
    planned.password !== null &&
    (await sdk.setUserPassword({ id: existing.id, password: planned.password })).setUserPassword.updatedAt !== current.updatedAt;
  const rolesChanged = await applyRoleAssignments(sdk, tenantPath, { userId: existing.id }, planned.roles);
  report.users[changed || passwordChanged || rolesChanged ? 'updated' : 'unchanged']++;
}

/** Runs one entry's step; a refusal names the entry's JSON path. */
async function at(path: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (error instanceof CliError) throw new CliError(error.exitCode, `${path}.${error.message}`, error.code);
    if (error instanceof GraphQLRequestError)
      throw new CliError(EXIT.api, `${path}: ${error.errors.map((e) => e.message).join('; ')}`, error.code);
    throw error;
  }
}

async function orNull<T>(query: Promise<T>): Promise<T | null> {
  try {
    return await query;
  } catch (error) {
    if (error instanceof GraphQLRequestError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}
