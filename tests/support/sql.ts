import { Client } from 'pg';

/** The rows of one statement run on its own connection to `databaseUrl` (a test's direct look at, or change to, the database). */
export async function sqlRows<T>(databaseUrl: string, text: string, values: unknown[] = []): Promise<T[]> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    return (await pg.query(text, values)).rows as T[];
  } finally {
    await pg.end();
  }
}
