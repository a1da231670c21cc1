import { randomUUID } from 'node:crypto';
import { ConsentEntity } from '../../entities/consent.entity';
import type { DomainDeps } from '../deps';

/** What users have allowed third-party clients; a consent only ever grows until revoked. */
export class ConsentService {
  constructor(private readonly deps: DomainDeps) {}

  /** Scopes the user has granted the client; empty when never asked. */
  async grantedScopes(userId: string, clientId: string): Promise<string[]> {
    const consent = await this.deps.orm.em.fork().findOne(ConsentEntity, { userId, clientId }, { fields: ['scopes'] });
    return consent?.scopes ?? [];
  }

  /** Adds scopes to the user's consent for a client, creating it if needed; concurrent grants merge. */
  async grant(tenantId: string, userId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    await this.deps.orm.em.fork().getConnection().execute(
      `insert into consents (id, tenant_id, user_id, client_id, scopes) values (?, ?, ?, ?, ?::text[])
       on conflict (user_id, client_id) do update
         set scopes = array(select distinct s from unnest(consents.scopes || excluded.scopes) as s order by s), updated_at = now()`,
      [randomUUID(), tenantId, userId, clientId, `{${scopes.map((s) => `"${s}"`).join(',')}}`],
    );
  }

  /** Forgets everything the user granted the client (the next authorization asks again). */
  async revoke(userId: string, clientId: string): Promise<void> {
    await this.deps.orm.em.fork().nativeDelete(ConsentEntity, { userId, clientId });
  }
}
