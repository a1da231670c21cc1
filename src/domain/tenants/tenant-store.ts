import type { TenantRepository } from '../../data/tenant.repository';

/**
 * The tenants port. For now the concrete repository: TenantService still takes
 * `TenantRepository` (a class with a private field, so no interface can stand in for
 * it) and its methods still return ORM entities. When TenantService is switched to
 * plain values, this becomes an interface of the methods it calls and
 * `TenantRepository implements TenantStore`; callers of the type need no change.
 */
export type TenantStore = TenantRepository;
