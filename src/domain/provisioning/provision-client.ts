import type { Tenant } from '../tenants/tenant';
import { provisionRoleAssignments } from './provision-access';
import { ProvisioningError } from './provisioning-error';
import type { PlannedClient } from './provisioning-plan';
import { atEntry, differs, type ProvisioningScope } from './provisioning-scope';

/**
 * Stores the new clients {@link provisionClient} validated, in multi-row inserts through
 * ClientService.insertPrepared (chunks of {@link WRITE_CHUNK}), then gives those with `roles`
 * their roles. A secret ClientService chose (no secret in the file, `generateMissingSecrets`) is kept to be shown once.
 */
export async function createClients(scope: ProvisioningScope): Promise<void> {
  const { services, report, newClients } = scope;
  for (let i = 0; i < newClients.length; i += WRITE_CHUNK) {
    const chunk = newClients.slice(i, i + WRITE_CHUNK);
    const stored = await services.clients.insertPrepared(chunk.map((entry) => entry.prepared));
    for (const [index, { tenant, planned, prepared }] of chunk.entries()) {
      if (planned.clientSecret === null && prepared.clientSecret !== null)
        scope.generatedSecrets.push({ clientId: planned.clientId, clientSecret: prepared.clientSecret });
      await provisionRoleAssignments(scope, tenant, planned.at, { client: stored[index]! }, planned.roles);
    }
    report.clients.created += chunk.length;
  }
}

/** New rows per multi-row write. */
export const WRITE_CHUNK = 1_000;

/**
 * Creates the client (see {@link createClients}) or brings it to the planned state through ClientService. A secret in
 * the file replaces the stored one only when it does not match the stored keyed digest
 * (compared in constant time) or the client turns client_secret_jwt (which keeps it sealed);
 * without one, an existing client keeps its secret. A private_key_jwt client has none.
 * Disabling goes through ClientService's update, which revokes the client's tokens.
 */
export async function provisionClient(scope: ProvisioningScope, tenant: Tenant, planned: PlannedClient): Promise<void> {
  const { services, report } = scope;
  const wanted = { name: planned.name, ...planned.settings, enabled: planned.enabled };
  // From the set-based read at the start of the apply (the file names each client_id once).
  const found = scope.existing.clients.get(planned.clientId) ?? null;
  if (!found) {
    const needsSecret = !planned.isPublic && planned.settings.tokenEndpointAuthMethod !== 'private_key_jwt';
    if (needsSecret && planned.clientSecret === null && !scope.generateMissingSecrets) {
      throw new ProvisioningError([`${planned.at}.clientSecret: required to create a confidential client (use a \${VARIABLE} reference)`]);
    }
    // Validated now under its entry's name; stored with the plan's other new clients by createClients.
    const prepared = await atEntry(planned.at, 'clientId', async () =>
      services.clients.prepareInsert(tenant, {
        clientId: planned.clientId,
        isPublic: planned.isPublic,
        clientSecret: planned.clientSecret,
        ...wanted,
      }),
    );
    scope.newClients.push({ tenant, planned, prepared });
    return;
  }
  const { client, holdsSecret } = found;
  if (client.tenantId !== tenant.id) {
    throw new ProvisioningError([`${planned.at}.clientId: client ${planned.clientId} already exists in another tenant`], 'conflict');
  }
  if (client.isPublic !== planned.isPublic) {
    throw new ProvisioningError([`${planned.at}.isPublic: cannot change for an existing client (delete and re-create it)`], 'conflict');
  }
  // A client switched to client_secret_jwt needs its secret stored again (sealed), even when it is the same one.
  const toHmac = planned.settings.tokenEndpointAuthMethod === 'client_secret_jwt' && client.tokenEndpointAuthMethod !== 'client_secret_jwt';
  const secretChanged = planned.clientSecret !== null && (!holdsSecret || toHmac);
  const changed = differs(client, wanted);
  // The settings first: the secret is stored the way the (new) method wants it.
  if (changed) await atEntry(planned.at, 'clientId', () => services.clients.updateTrusted(planned.clientId, wanted));
  if (secretChanged)
    await atEntry(planned.at, 'clientSecret', () => services.clients.setSecretTrusted(planned.clientId, planned.clientSecret!));
  const rolesChanged = await provisionRoleAssignments(scope, tenant, planned.at, { client }, planned.roles);
  report.clients[changed || secretChanged || rolesChanged ? 'updated' : 'unchanged']++;
}
