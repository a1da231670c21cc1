import { ADMIN_SCOPE } from '../domain/actor';
import type { Domain } from './create-domain';
import { CONSOLE_CLIENT_ID } from '../domain/clients/validate-client-id';
import { ensureConsoleClient } from '../domain/console/console-client';
import { randomToken } from '../domain/crypto/random';
import { isDomainError } from '../domain/errors';
import type { Tenant } from '../domain/tenants/tenant';

export interface BootstrapOptions {
  adminClientId: string;
  /** When set, the admin client's secret is (re)set to it; otherwise one is generated on first start. */
  adminClientSecret?: string;
  /** The public base URL: the console client's redirect URI is `${issuer}/console/callback`. */
  issuer?: string;
  /** ADMIN_USERNAME: a human admin of `/` created on the first start that finds no such user. */
  adminUsername?: string;
  /** ADMIN_PASSWORD for that user; generated (and returned once) when unset. */
  adminPassword?: string;
}

export interface BootstrapResult {
  /** Present only when the admin client was created by this call with a generated secret. */
  generatedAdminSecret?: string;
  createdRootTenant: boolean;
  createdAdminClient: boolean;
  /** Present only when this call created the human admin with a generated password. */
  generatedAdminPassword?: string;
  createdAdminUser?: boolean;
}

/**
 * Creates the root tenant `/` (with its signing key) and the bootstrap admin
 * client (scope `admin`) when missing, and gives every tenant without a
 * signing key its first; idempotent, so every start may call it.
 */
export async function bootstrap(domain: Domain, options: BootstrapOptions): Promise<BootstrapResult> {
  let createdRootTenant = false;
  let root = await domain.tenants.findByPath('/');
  if (!root) {
    root = await domain.tenants.insert({ path: '/', parentId: null, name: 'root' }).catch(async (error: unknown) => {
      const raced = await domain.tenants.findByPath('/');
      if (raced) return raced;
      throw error;
    });
    createdRootTenant = true;
  }
  // Tenants made before keys came with their tenant (or left without one) get their first key now.
  await domain.keys.keyTenantsWithoutKey();
  const humanAdmin = await bootstrapHumanAdmin(domain, options);
  if (options.issuer) await bootstrapConsoleClient(domain, root, options.issuer);
  if (await domain.clients.exists(options.adminClientId)) {
    // ADMIN_CLIENT_ID names a client the server made in `/`; one of another tenant is never taken over.
    const admin = await domain.clients.findInTenant(root.id, options.adminClientId);
    if (!admin)
      throw new Error(
        `ADMIN_CLIENT_ID ${options.adminClientId} is the id of a client in another tenant than /: choose another ADMIN_CLIENT_ID or delete that client`,
      );
    if (options.adminClientSecret) await domain.clients.setSecretTrusted(options.adminClientId, options.adminClientSecret);
    return { createdRootTenant, createdAdminClient: false, ...humanAdmin };
  }
  const { clientSecret } = await domain.clients.insert('/', {
    clientId: options.adminClientId,
    name: 'Bootstrap admin',
    clientSecret: options.adminClientSecret,
    grantTypes: ['client_credentials'],
    allowedScopes: [ADMIN_SCOPE],
    firstParty: true,
  });
  return {
    createdRootTenant,
    createdAdminClient: true,
    generatedAdminSecret: options.adminClientSecret ? undefined : (clientSecret ?? undefined),
    ...humanAdmin,
  };
}

/** The first human admin (role `admin` in `/`), when ADMIN_USERNAME names a user `/` does not have yet. */
async function bootstrapHumanAdmin(
  domain: Domain,
  options: BootstrapOptions,
): Promise<Pick<BootstrapResult, 'generatedAdminPassword' | 'createdAdminUser'>> {
  if (!options.adminUsername) return {};
  if (await domain.users.existsIn('/', options.adminUsername)) return { createdAdminUser: false };
  const password = options.adminPassword ?? randomToken(18);
  await domain.users.insert('/', { username: options.adminUsername, password }, { admin: true });
  return { createdAdminUser: true, generatedAdminPassword: options.adminPassword ? undefined : password };
}

/**
 * The root console's client `console` (console-client.ts: the same client every tenant's console gets,
 * made here on every start rather than on the first visit). Its redirect URI follows ISSUER: a changed
 * ISSUER adds the new one on the next start.
 */
async function bootstrapConsoleClient(domain: Domain, root: Tenant, issuer: string): Promise<void> {
  await ensureConsoleClient(domain.clients, root, issuer).catch((error: unknown) => {
    if (!isDomainError(error) || error.code !== 'conflict') throw error;
    // Made by an admin of another tenant before the id was reserved: never extended, never used (/authorize refuses it).
    domain.log.error(
      { clientId: CONSOLE_CLIENT_ID },
      'the console client belongs to another tenant than /: the console cannot sign in until an administrator of / deletes it',
    );
  });
}
