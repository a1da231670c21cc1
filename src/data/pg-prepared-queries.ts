import { Pool } from 'pg';
import type { PreparedQueries, PreparedStatement } from './prepared-queries';

const POOL_SIZE = 8;

/**
 * {@link PreparedQueries} on a pg pool of its own, beside MikroORM's: each
 * connection prepares a statement on first use and reuses the plan after.
 * Behind a transaction-pooling proxy (`named: false`) a named statement would
 * outlive its server connection, so each query is sent unnamed (parsed anew): a
 * statement with a server-side twin is sent as the call of that function, whose
 * plan each server connection caches (see {@link PreparedStatement.serverCall}).
 */
export class PgPreparedQueries implements PreparedQueries {
  private readonly pool: Pool;

  constructor(
    connectionString: string,
    private readonly onQuery: () => void = () => {},
    onError: (error: unknown) => void = () => {},
    private readonly named = true,
  ) {
    this.pool = new Pool({ connectionString, max: POOL_SIZE, idleTimeoutMillis: 30_000 });
    // An idle connection that dies (database restart) must not crash the process.
    this.pool.on('error', onError);
  }

  async rows<T>(statement: PreparedStatement, values: readonly unknown[]): Promise<T[]> {
    this.onQuery();
    const query = this.named
      ? { name: statement.name, text: statement.text, values: values as unknown[] }
      : { text: statement.serverCall ?? statement.text, values: values as unknown[] };
    const result = await this.pool.query(query);
    return result.rows as T[];
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
