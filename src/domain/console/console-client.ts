import { ADMIN_SCOPE } from '../actor';
import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { CONSOLE_CLIENT_ID, CONSOLE_CLIENT_PREFIX } from '../clients/validate-client-id';
import { DomainError, isDomainError } from '../errors';
import type { Tenant } from '../tenants/tenant';

/**
 * The admin console's client in a tenant: `console` in `/` (the id the root console has always had),
 * `console.<tenant id>` in any other tenant. Both are reserved (validate-client-id.ts).
 */
const consoleClientId = (tenant: Pick<Tenant, 'id' | 'path'>): string =>
  tenant.path === '/' ? CONSOLE_CLIENT_ID : `${CONSOLE_CLIENT_PREFIX}${tenant.id}`;

/** The console of the tenant whose issuer is `issuer` lives at `{issuer}/console`; this is its client's redirect URI. */
const consoleCallbackUrl = (issuer: string): string => `${issuer.replace(/\/+$/, '')}/console/callback`;

const notUsable = (clientId: string) =>
  new DomainError(
    'conflict',
    'the console is not available for this tenant; an administrator must remove a client that uses its reserved id',
    { detail: `client ${clientId} belongs to another tenant` },
  );

/**
 * The tenant's first-party console client, created when missing: public (authorization code with PKCE,
 * refresh tokens), scope `admin` (granted only to the tenant's users holding the admin role), first-party
 * so no consent page, its redirect URI `{issuer}/console/callback`. A client that exists but lacks that
 * redirect URI (ISSUER changed) gets it added. Bootstrap calls it for `/` on every start; `{I}/console`
 * on each page load of a tenant's console, so a tenant's admins need no client made by hand.
 *
 * Looked up in the tenant itself: a client of that id in another tenant (made before the ids were
 * reserved) is never used or changed; this then fails with `conflict` until an administrator deletes it.
 * Two concurrent first visits make one client: the loser of the unique id finds the winner's.
 */
export async function ensureConsoleClient(clients: ClientService, tenant: Tenant, issuer: string): Promise<Client> {
  const clientId = consoleClientId(tenant);
  const redirectUri = consoleCallbackUrl(issuer);
  const existing = await clients.findInTenant(tenant.id, clientId);
  if (existing) {
    if (!existing.redirectUris.includes(redirectUri)) await clients.addRedirectUriTrusted(clientId, redirectUri);
    return existing;
  }
  try {
    const { client } = await clients.insert(
      tenant.path,
      {
        clientId,
        name: 'Admin console',
        isPublic: true,
        firstParty: true,
        redirectUris: [redirectUri],
        grantTypes: ['authorization_code', 'refresh_token'],
        allowedScopes: ['openid', ADMIN_SCOPE],
      },
      { serverMade: true },
    );
    return client;
  } catch (error) {
    if (!isDomainError(error) || error.code !== 'conflict') throw error;
    // Read from the store, not the cache: the winner's row is committed, its cache event may not have arrived yet.
    const created = (await clients.inspect(clientId, null))?.client;
    if (created?.tenantId === tenant.id) return created;
    throw notUsable(clientId);
  }
}
