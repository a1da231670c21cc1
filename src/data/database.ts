import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { PreparedQueries } from './prepared-queries';

/**
 * What repositories are built from: MikroORM for the unit-of-work writes and
 * admin reads, and the named prepared statements of the hot read paths (a pg
 * pool of their own). Only src/data touches either.
 */
export class Database {
  constructor(
    readonly orm: MikroORM,
    readonly sql: PreparedQueries,
  ) {}

  /** A fresh EntityManager (an identity map and unit of work of its own). */
  em(): EntityManager {
    return this.orm.em.fork();
  }

  /** One trivial round trip (readiness checks). */
  async ping(): Promise<void> {
    await this.execute('select 1');
  }

  /** PostgreSQL NOTIFY through an ordinary pooled connection (the change bus publishes with it). */
  async notify(channel: string, payload: string): Promise<void> {
    await this.execute('select pg_notify(?, ?)', [channel, payload]);
  }

  /** Raw SQL through MikroORM's pool (`?` placeholders). */
  execute<T = unknown>(sql: string, params: readonly unknown[] = [], method: 'all' | 'get' | 'run' = 'all'): Promise<T> {
    return this.orm.em.getConnection().execute(sql, params as unknown[], method) as Promise<T>;
  }
}
