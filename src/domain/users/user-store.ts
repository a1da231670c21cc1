import type { UserRepository } from '../../data/user.repository';

/**
 * The users port. For now the concrete repository: UserService still takes
 * `UserRepository` (a class with a private field, so no interface can stand in for
 * it) and its methods still return ORM entities. When UserService is switched to
 * plain values, this becomes an interface of the methods it calls and
 * `UserRepository implements UserStore`; callers of the type need no change.
 */
export type UserStore = UserRepository;
