import type { ConsentStore } from './consent-store';

/** What users have allowed third-party clients; a consent only ever grows until revoked. */
export class ConsentService {
  constructor(private readonly consents: ConsentStore) {}

  /** Scopes the user has granted the client; empty when never asked. */
  async grantedScopes(userId: string, clientId: string): Promise<string[]> {
    return this.consents.scopes(userId, clientId);
  }

  /** Adds scopes to the user's consent for a client, creating it if needed; concurrent grants merge. */
  async grant(tenantId: string, userId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    await this.consents.addScopes(tenantId, userId, clientId, scopes);
  }

  /** Forgets everything the user granted the client (the next authorization asks again). */
  async revoke(userId: string, clientId: string): Promise<void> {
    await this.consents.delete(userId, clientId);
  }
}
