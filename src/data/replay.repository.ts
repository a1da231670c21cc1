import type { ReplayStore } from '../domain/replay/replay-store';
import type { Database } from './database';
import { preparedStatement } from './prepared-queries';

const CLAIM_SQL = `insert into used_identifiers (key, expires_at) values ($1, $2)
  on conflict (key) do update set expires_at = excluded.expires_at where used_identifiers.expires_at <= now()
  returning 1 as claimed`;
/** The token path's one write per client assertion: a named prepared statement, no ORM query building. */
const CLAIM = preparedStatement('replay_claim', CLAIM_SQL);

/**
 * Single-use identifiers (`used_identifiers`): one insert per claim. A row whose time has
 * passed is taken over by the next claim of its key; the janitor deletes the others.
 * Outside a transaction (the token path) the insert is a prepared statement on the hot-path
 * pool; inside one it joins the transaction through the ORM's connection.
 */
export class ReplayRepository implements ReplayStore {
  constructor(private readonly db: Database) {}

  async claim(key: string, expiresAt: Date): Promise<boolean> {
    if (!this.db.active()) return (await this.db.sql.rows(CLAIM, [key, expiresAt])).length === 1;
    const rows = await this.db.execute<{ claimed: number }[]>(CLAIM_SQL.replace('$1', '?').replace('$2', '?'), [key, expiresAt], 'all');
    return rows.length === 1;
  }
}
