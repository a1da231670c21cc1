import { readdirSync } from 'node:fs';
import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { migratingOrmConfig, mikroOrmConfig } from '../config/mikro-orm.config';

/** The committed migrations' names, from the files next to src/migrations/index.ts (`.ts` in tests, `.js` when built). */
function committedMigrationNames(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(path.join(__dirname, '..', 'migrations'))) {
    const match = /^(Migration\d{14}\w*)\.(?:js|ts)$/.exec(file);
    if (match) names.add(match[1]!);
  }
  return [...names];
}

/** Whether the database lacks one of the committed migrations (or has no migrations table yet). */
async function hasPendingMigrations(orm: MikroORM): Promise<boolean> {
  let applied: Set<string>;
  try {
    const rows = await orm.em.getConnection().execute<{ name: string }[]>('select name from mikro_orm_migrations');
    applied = new Set(rows.map((row) => row.name.replace(/\.(?:js|ts)$/, '')));
  } catch {
    return true;
  }
  return committedMigrationNames().some((name) => !applied.has(name));
}

/**
 * Connects MikroORM; with `migrate`, brings the schema up to date through the committed migrations
 * first. A database that has them all is not handed to the migrator, which is then never loaded.
 */
export async function initORM(clientUrl: string, overrides: Partial<Options> = {}, migrate = true): Promise<MikroORM> {
  const orm = await MikroORM.init(mikroOrmConfig(clientUrl, overrides));
  if (!migrate || !(await hasPendingMigrations(orm))) return orm;
  await orm.close(true);
  return migrateDatabase(clientUrl, overrides);
}

/** Connects with the migrator and applies every pending migration; the answer keeps the migrator (`getMigrator()`). */
export async function migrateDatabase(clientUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(await migratingOrmConfig(clientUrl, overrides));
  await orm.getMigrator().up();
  return orm;
}
