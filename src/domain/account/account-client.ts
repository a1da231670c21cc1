import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { ACCOUNT_CLIENT_PREFIX } from '../clients/validate-client-id';
import { DomainError, isDomainError } from '../errors';
import type { Tenant } from '../tenants/tenant';
import { DEVICE_TOKENS_GRANT } from '../device-token-sets/device-token-set';

/** The account page's client in a tenant: first-party, public; the `account.` prefix is reserved (validate-client-id.ts). */
export const accountClientId = (tenant: Pick<Tenant, 'id'>): string => `${ACCOUNT_CLIENT_PREFIX}${tenant.id}`;

/** Where the account page lives: the account client's only redirect URI. */
export const accountPageUrl = (issuer: string): string => `${issuer.replace(/\/+$/, '')}/account`;

const notUsable = (clientId: string) =>
  new DomainError(
    'conflict',
    'the account page is not available for this tenant; an administrator must remove a client that uses its reserved id',
    {
      detail: `client ${clientId} belongs to another tenant`,
    },
  );

/**
 * The tenant's first-party "account" client, which signs users in to
 * `/account` (authorization code flow, PKCE) and owns the device sets made
 * there; created on demand with grant types `authorization_code` and
 * `device_tokens` and its redirect URI `<issuer>/account`. An admin may
 * disable it (or drop `device_tokens`) to turn the page's device sets off.
 *
 * Looked up in the tenant itself: a client of that id in another tenant (made
 * before `account.*` was reserved) is never used, and the page then fails with
 * `conflict` until an administrator of `/` deletes it.
 */
export async function ensureAccountClient(clients: ClientService, tenant: Tenant, accountUrl: string): Promise<Client> {
  const clientId = accountClientId(tenant);
  const existing = await clients.findInTenant(tenant.id, clientId);
  if (existing) return existing;
  try {
    const { client } = await clients.insert(
      tenant.path,
      {
        clientId,
        name: 'Account',
        isPublic: true,
        firstParty: true,
        grantTypes: ['authorization_code', DEVICE_TOKENS_GRANT],
        redirectUris: [accountUrl],
        allowedScopes: ['openid', 'profile', 'email', 'phone'],
      },
      { serverMade: true },
    );
    return client;
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'conflict') throw error;
    // Another request created it first, or the id is taken in another tenant.
    const created = await clients.findInTenant(tenant.id, clientId);
    if (created) return created;
    throw notUsable(clientId);
  }
}
