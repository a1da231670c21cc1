import type { TenantEntity } from '../../entities/tenant.entity';
import { mapUniqueViolation } from '../db-errors';
import { differs, type ProvisioningScope } from './provisioning-scope';
import { ProvisioningError } from './provisioning-error';
import type { PlannedClient } from './provisioning-plan';

/**
 * Creates the client or brings it to the planned state. A secret in the file
 * replaces the stored one only when it does not match the stored keyed digest
 * (compared in constant time); without one, an existing client keeps its secret.
 */
export async function provisionClient(scope: ProvisioningScope, tenant: TenantEntity, planned: PlannedClient): Promise<void> {
  const { tx, deps, report } = scope;
  const unchangedBefore = report.clients.unchanged;
  const wanted = { name: planned.name, ...planned.settings, enabled: planned.enabled };
  const entity = await tx.clientById(planned.clientId);
  if (!entity) {
    if (!planned.isPublic && planned.clientSecret === null) {
      throw new ProvisioningError([`${planned.at}.clientSecret: required to create a confidential client (use a \${VARIABLE} reference)`]);
    }
    tx.addClient({
      tenantId: tenant.id,
      clientId: planned.clientId,
      isPublic: planned.isPublic,
      secretDigest: planned.clientSecret === null ? null : deps.secret.digest(planned.clientSecret),
      ...wanted,
    });
    report.clients.created++;
  } else {
    if (entity.tenantId !== tenant.id) {
      throw new ProvisioningError([`${planned.at}.clientId: client ${planned.clientId} already exists in another tenant`], 'conflict');
    }
    if (entity.isPublic !== planned.isPublic) {
      throw new ProvisioningError([`${planned.at}.isPublic: cannot change for an existing client (delete and re-create it)`], 'conflict');
    }
    const secretChanged = planned.clientSecret !== null && !(entity.secretDigest && deps.secret.verifyDigest(planned.clientSecret, entity.secretDigest));
    if (secretChanged) entity.secretDigest = deps.secret.digest(planned.clientSecret!);
    if (differs(entity, wanted) || secretChanged) {
      Object.assign(entity, wanted);
      report.clients.updated++;
    } else {
      report.clients.unchanged++;
    }
  }
  if (report.clients.unchanged === unchangedBefore) scope.changes.push({ topic: 'client', kind: 'updated', key: planned.clientId });
  await mapUniqueViolation(() => tx.flush(), `${planned.at}.clientId: client ${planned.clientId} was created concurrently; nothing was applied`);
}
