import type { ProvisioningRepository } from '../../data/provisioning.repository';

/**
 * The provisioning port. For now the concrete repository: applyProvisioning still takes
 * `ProvisioningRepository` (a class with a private field, so no interface can stand in for
 * it) and its methods still return ORM entities. When applyProvisioning is switched to
 * plain values, this becomes an interface of the methods it calls and
 * `ProvisioningRepository implements ProvisioningStore`; callers of the type need no change.
 */
export type ProvisioningStore = ProvisioningRepository;
