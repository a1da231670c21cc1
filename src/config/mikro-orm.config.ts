import { defineConfig, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { entities } from '../entities';
import type * as Migrations from '../migrations';

/** Loaded when needed: the migrations extend the migrator's base class, which loads the migrator. */
const MIGRATIONS_MODULE = '../migrations';

/**
 * MikroORM options for a connection string; entities are listed, not scanned. No migrator: it
 * (with umzug and its command-line stack, ~300 modules) is loaded only when migrations are pending
 * ({@link migratingOrmConfig}, src/db/init-orm.ts).
 */
export function mikroOrmConfig(clientUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl,
    entities,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
    pool: { min: 0, max: 10 },
    ...overrides,
  });
}

/** {@link mikroOrmConfig} with the migrator and the committed migrations (src/migrations/index.ts), listed, not scanned. */
export async function migratingOrmConfig(clientUrl: string, overrides: Partial<Options> = {}): Promise<Options> {
  const [{ Migrator }, { migrationsList }] = await Promise.all([
    import('@mikro-orm/migrations'),
    import(MIGRATIONS_MODULE) as Promise<typeof Migrations>,
  ]);
  return mikroOrmConfig(clientUrl, {
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    ...overrides,
  });
}
