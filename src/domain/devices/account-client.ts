import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { isDomainError } from '../errors';
import type { Tenant } from '../tenants/tenant';
import { DEVICE_TOKENS_GRANT } from './device-token-set';

/** The account page's client in a tenant: first-party, public, created on first use. */
export const accountClientId = (tenant: Tenant): string => `account.${tenant.id}`;

/**
 * The tenant's first-party "account" client, which signs users in to
 * `/account` (authorization code flow, PKCE) and owns the device sets made
 * there; created on demand with grant types `authorization_code` and
 * `device_tokens` and its redirect URI `<issuer>/account`. An admin may
 * disable it (or drop `device_tokens`) to turn the page's device sets off.
 */
export async function ensureAccountClient(clients: ClientService, tenant: Tenant, accountUrl: string): Promise<Client> {
  const clientId = accountClientId(tenant);
  const existing = await clients.findByClientId(clientId);
  if (existing) return existing;
  try {
    const { client } = await clients.insert(tenant.path, {
      clientId,
      name: 'Account',
      isPublic: true,
      firstParty: true,
      grantTypes: ['authorization_code', DEVICE_TOKENS_GRANT],
      redirectUris: [accountUrl],
      allowedScopes: ['openid', 'profile', 'email', 'phone'],
    });
    return client;
  } catch (error) {
    // Another request created it first.
    const created = isDomainError(error) && error.code === 'conflict' ? await clients.findByClientId(clientId) : null;
    if (created) return created;
    throw error;
  }
}
