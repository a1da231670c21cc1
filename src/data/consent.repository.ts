import { randomUUID } from 'node:crypto';
import type { ConsentStore } from '../domain/consents/consent-store';
import { ConsentEntity } from '../entities/consent.entity';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';

/** The scopes travel as one `text[]` parameter (pg serialises the array); knex would expand an array binding into a list. */
const ADD_SCOPES = preparedStatement(
  'consent_add_scopes',
  `insert into consents (id, tenant_id, user_id, client_id, scopes) values ($1, $2, $3, $4, $5::text[])
   on conflict (user_id, client_id) do update
     set scopes = array(select distinct s from unnest(consents.scopes || excluded.scopes) as s order by s), updated_at = now()`,
);

/** {@link ConsentStore} on PostgreSQL: one row per (user, client) holding the granted scopes. */
export class ConsentRepository implements ConsentStore {
  constructor(private readonly db: Database) {}

  async scopes(userId: string, clientId: string): Promise<string[]> {
    const consent = await this.db.em().findOne(ConsentEntity, { userId, clientId }, { fields: ['scopes'] });
    return consent?.scopes ?? [];
  }

  /** Adds `scopes` to the consent, creating it if needed; concurrent grants merge. */
  async addScopes(tenantId: string, userId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    await this.db.sql.rows(ADD_SCOPES, [randomUUID(), tenantId, userId, clientId, [...scopes]]);
  }

  async delete(userId: string, clientId: string): Promise<void> {
    await this.db.em().nativeDelete(ConsentEntity, { userId, clientId });
  }
}
