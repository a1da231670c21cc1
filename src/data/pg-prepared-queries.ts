import { Pool } from 'pg';
import type { PreparedQueries, PreparedStatement } from './prepared-queries';

const POOL_SIZE = 8;

/**
 * {@link PreparedQueries} on a pg pool of its own, beside MikroORM's: each
 * connection prepares a statement on first use and reuses the plan after.
 */
export class PgPreparedQueries implements PreparedQueries {
  private readonly pool: Pool;

  constructor(
    connectionString: string,
    private readonly onQuery: () => void = () => {},
    onError: (error: unknown) => void = () => {},
  ) {
    this.pool = new Pool({ connectionString, max: POOL_SIZE, idleTimeoutMillis: 30_000 });
    // An idle connection that dies (database restart) must not crash the process.
    this.pool.on('error', onError);
  }

  async rows<T>(statement: PreparedStatement, values: readonly unknown[]): Promise<T[]> {
    this.onQuery();
    const result = await this.pool.query({ name: statement.name, text: statement.text, values: values as unknown[] });
    return result.rows as T[];
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
