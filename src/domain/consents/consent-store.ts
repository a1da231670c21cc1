/**
 * The storage consents need (implemented in `src/data/consent.repository.ts`):
 * one record per (user, client) holding the granted scopes.
 */
export interface ConsentStore {
  /** The scopes the user granted the client; empty when none. */
  scopes(userId: string, clientId: string): Promise<string[]>;
  /** Adds `scopes` to the consent, creating it if needed; concurrent grants merge. */
  addScopes(tenantId: string, userId: string, clientId: string, scopes: readonly string[]): Promise<void>;
  delete(userId: string, clientId: string): Promise<void>;
}
