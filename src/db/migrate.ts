import 'reflect-metadata';
import { migrateDatabase } from './init-orm';

/**
 * `node dist/db/migrate.js [DATABASE_URL]`: applies pending migrations and exits.
 * The server also migrates on start; this is for operators and the test run.
 */
async function migrate(url: string | undefined): Promise<void> {
  if (!url) throw new Error('usage: migrate <database-url>');
  const orm = await migrateDatabase(url);
  const executed = await orm.getMigrator().getExecutedMigrations();
  await orm.close(true);
  process.stdout.write(`migrations applied: ${executed.length}\n`);
}

migrate(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
