import { ADMIN_SCOPE } from './actor';
import type { Domain } from './create-domain';

export interface BootstrapOptions {
  adminClientId: string;
  /** When set, the admin client's secret is (re)set to it; otherwise one is generated on first start. */
  adminClientSecret?: string;
}

export interface BootstrapResult {
  /** Present only when the admin client was created by this call with a generated secret. */
  generatedAdminSecret?: string;
  createdRootTenant: boolean;
  createdAdminClient: boolean;
}

/**
 * Creates the root tenant `/` and the bootstrap admin client (scope `admin`)
 * when missing; idempotent, so every start may call it.
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
  if (await domain.clients.exists(options.adminClientId)) {
    if (options.adminClientSecret) await domain.clients.setSecretTrusted(options.adminClientId, options.adminClientSecret);
    return { createdRootTenant, createdAdminClient: false };
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
  };
}
