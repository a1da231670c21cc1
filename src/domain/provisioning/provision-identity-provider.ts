import type { Tenant } from '../tenants/tenant';
import type { PlannedIdentityProvider } from './provisioning-plan';
import { atEntry, differs, type ProvisioningScope } from './provisioning-scope';

/**
 * Creates the identity provider or brings it to the planned state through IdentityProviderService
 * (which checks its URLs against the outbound policy and seals the secret). A secret in the file
 * is written every time it is given (a sealed secret cannot be compared); without one the stored
 * secret stays. The kind of an existing provider is not changed here (delete and re-create it).
 */
export async function provisionIdentityProvider(scope: ProvisioningScope, tenant: Tenant, planned: PlannedIdentityProvider): Promise<void> {
  const { services, report } = scope;
  const { at, clientSecret, kind, ...wanted } = planned;
  const found = (await services.identityProviders.listTrusted(tenant)).find((provider) => provider.alias === planned.alias);
  if (!found) {
    await atEntry(at, 'alias', () => services.identityProviders.insert(tenant.path, { kind, ...wanted, clientSecret }));
    report.identityProviders.created++;
    return;
  }
  const changed = differs(found, { ...wanted, emailDomains: [...wanted.emailDomains].sort() });
  if (changed || clientSecret !== null) {
    await atEntry(at, 'alias', () => services.identityProviders.updateTrusted(found.id, { ...wanted, clientSecret }));
    report.identityProviders.updated++;
  } else report.identityProviders.unchanged++;
}
