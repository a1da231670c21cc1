import type { Actor } from '../actor';
import type { ClientWithSecret, ClientService } from '../clients/client.service';
import { ensure, errors } from '../errors';
import { normalizeTenantPath } from '../tenants/tenant-path';
import { withSeedFieldNames } from './seed-field-names';

/** Seed 001's claim scopes: what `/api` and the code flow of its clients release. */
export const SEED001_SCOPES = ['username', 'email', 'firstname', 'lastname', 'phone'] as const;

export interface Seed001ClientInput {
  clientId?: string;
  /** Supplied secret (at least 20 characters); generated when absent. */
  clientSecret?: string;
  redirectUri?: string;
  /** Default: the admin's own tenant. */
  tenantPath?: string;
}

const FIELD_NAMES = {
  clientId: 'client_id',
  clientSecret: 'client_secret',
  redirectUris: 'redirect_uri',
  'redirectUris[0]': 'redirect_uri',
  tenantPath: 'tenant_path',
};

/**
 * Seed 001 `/register_client`: a confidential client of the admin's tenant (or
 * of `tenantPath` inside its subtree) for the authorization code flow without
 * PKCE (RFC 6749 §4.1; PKCE stays required only for public clients), with
 * refresh and client_credentials, allowed seed 001's claim scopes, and token
 * responses in the `seed001` style. Not first-party: users see the consent
 * page once. Fails with `validation_failed` naming the seed field,
 * `forbidden` without scope `admin`, `not_found` for a `tenant_path` that does
 * not exist or lies outside the admin's subtree (the same answer), and
 * `conflict` for a client_id taken in any tenant (the same answer wherever).
 */
export async function registerSeed001Client(clients: ClientService, actor: Actor, input: Seed001ClientInput): Promise<ClientWithSecret> {
  return withSeedFieldNames(FIELD_NAMES, async () => {
    ensure(input.clientId, () => errors.validation('client_id', 'is required'));
    ensure(input.redirectUri, () => errors.validation('redirect_uri', 'is required'));
    const tenantPath = input.tenantPath ? normalizeTenantPath(input.tenantPath, 'tenantPath') : actor.tenantPath;
    return clients.create(actor, {
      tenantPath,
      clientId: input.clientId,
      name: input.clientId,
      isPublic: false,
      clientSecret: input.clientSecret ?? null,
      redirectUris: [input.redirectUri],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      allowedScopes: [...SEED001_SCOPES],
      firstParty: false,
      responseStyle: 'seed001',
    });
  });
}
