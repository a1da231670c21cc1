import type { ReplayStore } from '../domain/replay/replay-store';
import type { Database } from './database';

/**
 * Single-use identifiers (`used_identifiers`): one insert per claim. A row whose time has
 * passed is taken over by the next claim of its key; the janitor deletes the others.
 */
export class ReplayRepository implements ReplayStore {
  constructor(private readonly db: Database) {}

  async claim(key: string, expiresAt: Date): Promise<boolean> {
    const rows = await this.db.execute<{ claimed: number }[]>(
      `insert into used_identifiers (key, expires_at) values (?, ?)
       on conflict (key) do update set expires_at = excluded.expires_at where used_identifiers.expires_at <= now()
       returning 1 as claimed`,
      [key, expiresAt],
      'all',
    );
    return rows.length === 1;
  }
}
