import type { BrowserSessionRepository } from '../../data/browser-session.repository';

/**
 * The browser sessions port. For now the concrete repository: BrowserSessionService still takes
 * `BrowserSessionRepository` (a class with a private field, so no interface can stand in for
 * it) and its methods still return ORM entities. When BrowserSessionService is switched to
 * plain values, this becomes an interface of the methods it calls and
 * `BrowserSessionRepository implements BrowserSessionStore`; callers of the type need no change.
 */
export type BrowserSessionStore = BrowserSessionRepository;
