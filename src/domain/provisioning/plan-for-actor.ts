import { requireAdmin, withinActorSubtree, type Actor } from '../actor';
import type { GrantCatalogue } from '../grants/grant-registry';
import { parseProvisioningDocument } from './parse-provisioning-document';
import { ProvisioningError } from './provisioning-error';
import type { ProvisioningPlan } from './provisioning-plan';

/**
 * A provisioning document sent through the admin API (`applyProvisioning`), as a plan the caller may
 * apply: scope `admin` first (`forbidden`, before anything is read), then the document parsed exactly
 * as PROVISION_FILE is, except that its `${NAME}` references were resolved by the sender
 * (`tenant-idp apply`) and strings are taken as they are; then every tenant must be the caller's own
 * tenant or lie below it. Entries outside are refused, each named (`tenants[3].path: …`), as
 * `forbidden`: decided from the paths alone, so the answer says nothing about what exists there.
 * Everything else a plan holds hangs off its tenants, and the apply matches clients (ids are global)
 * only against that tenant: a client_id taken elsewhere is a `conflict` naming neither tenant nor owner.
 * @throws DomainError `forbidden`; ProvisioningError `validation_failed` or `forbidden` listing the entries.
 */
export function planForActor(actor: Actor, document: unknown, grants: GrantCatalogue): ProvisioningPlan {
  requireAdmin(actor);
  const plan = parseProvisioningDocument(document, null, grants);
  const outside = plan.tenants
    .filter((tenant) => !withinActorSubtree(actor, tenant.path))
    .map((tenant) => `${tenant.at}.path: tenant ${tenant.path} is outside your subtree (${actor.tenantPath})`);
  if (outside.length > 0) throw new ProvisioningError(outside, 'forbidden');
  return plan;
}
