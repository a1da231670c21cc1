import { isReservedClientId } from '../domain/clients/validate-client-id';
import { isWithinTenant } from '../domain/tenants/tenant-path';
import type { ClientFieldsFragment, TenantFieldsFragment, UserFieldsFragment } from '../sdk/client';
import { allPages } from './command';
import type { Connection } from './connection';
import { fileResponseStyle } from './response-style';

/**
 * A tenant and its subtree in the provisioning format (docs/provisioning.schema.json),
 * read through the admin API. Carries no secret and no password: the API has none to give.
 * Clients the server makes itself (`account.*`, `console`, `console.*`) are left out: a file may not name them.
 */
export async function exportSubtree(connection: Connection, rootPath: string) {
  const { sdk } = connection;
  const root = (await sdk.tenant({ path: rootPath })).tenant;
  const tenants = (await allPages(async (after) => (await sdk.tenants({ first: 100, after })).tenants))
    .filter((tenant) => isWithinTenant(tenant.path, root.path))
    .sort((a, b) => a.path.localeCompare(b.path));
  const exported = [];
  for (const tenant of tenants) {
    const clients = await allPages(async (after) => (await sdk.clients({ tenantPath: tenant.path, first: 100, after })).clients);
    const users = await allPages(async (after) => (await sdk.users({ tenantPath: tenant.path, first: 100, after })).users);
    const own = clients.filter((client) => !isReservedClientId(client.clientId));
    exported.push({ ...exportTenant(tenant), clients: own.map(exportClient), users: users.map(exportUser) });
  }
  return { tenants: exported };
}

const exportTenant = (t: TenantFieldsFragment) => ({
  path: t.path,
  name: t.name,
  signingAlgorithm: t.signingAlgorithm,
  allowSelfSignup: t.allowSelfSignup,
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
  requirePushedAuthorizationRequests: c.requirePushedAuthorizationRequests,
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
