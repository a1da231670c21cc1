import type { ClientRepository } from '../../data/client.repository';

/**
 * The clients port. For now the concrete repository: ClientService still takes
 * `ClientRepository` (a class with a private field, so no interface can stand in for
 * it) and its methods still return ORM entities. When ClientService is switched to
 * plain values, this becomes an interface of the methods it calls and
 * `ClientRepository implements ClientStore`; callers of the type need no change.
 */
export type ClientStore = ClientRepository;
