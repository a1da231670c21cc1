import type { MikroORM } from '@mikro-orm/postgresql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type App } from './app';
import type { Env } from './config/env';
import { loadServerSecret } from './config/load-server-secret';
import { initORM } from './db/init-orm';
import { PgChangeBus } from './db/pg-change-bus';
import { PgPreparedQueries } from './db/pg-prepared-queries';
import { bootstrap, type BootstrapResult } from './domain/bootstrap';
import type { Clock } from './domain/clock';
import { ServerSecret } from './domain/crypto/server-secret';
import { purgeExpired } from './domain/maintenance/purge-expired';
import { Metrics } from './ops/metrics';
import { leanOAuthHandler } from './oauth-rest/lean-oauth-handler';

const PURGE_INTERVAL_MS = 10 * 60_000;

export interface ServerOptions {
  env: Env;
  databaseUrl: string;
  logger: Logger;
  /** Run migrations and bootstrap (the primary process does; cluster workers do not). */
  prepareDatabase: boolean;
  /** A node:cluster worker: `/metrics` then reports the whole cluster (the primary aggregates). */
  clusterWorker?: boolean;
  clock?: Clock;
}

export interface RunningServer {
  url: string;
  port: number;
  app: App;
  orm: MikroORM;
  bootstrap: BootstrapResult | null;
  close(): Promise<void>;
}

/** Connects to the database, builds the app and listens; `close()` drains and disconnects. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { env, logger } = options;
  const orm = await initORM(options.databaseUrl, {}, options.prepareDatabase);
  const metrics = new Metrics();
  if (options.clusterWorker) metrics.aggregateAcrossCluster();
  orm.em.getConnection().getKnex().on('query', () => metrics.countQuery());
  const bus = await PgChangeBus.connect(options.databaseUrl, (error) => logger.warn({ err: error }, 'change bus error'));
  const sql = new PgPreparedQueries(
    options.databaseUrl,
    () => metrics.countQuery(),
    (error) => logger.warn({ err: error }, 'prepared-statement pool error'),
  );
  const secret = new ServerSecret(loadServerSecret(env));
  const app = await createApp({ orm, sql, secret, bus, logger, issuer: env.issuer, metrics, clock: options.clock });
  const bootstrapped = options.prepareDatabase
    ? await bootstrap(app.domain, { adminClientId: env.adminClientId, adminClientSecret: env.adminClientSecret })
    : null;

  const serveLean = leanOAuthHandler(app.oauthEndpoints, metrics, logger, app.seedRoutes);
  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (!serveLean(req, res)) app.express(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.port, env.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const janitor = setInterval(() => {
    purgeExpired(app.domain.deps)
      .then((purged) => logger.debug({ purged }, 'purged expired rows'))
      .catch((error: unknown) => logger.warn({ err: error }, 'purging expired rows failed'));
  }, PURGE_INTERVAL_MS);
  janitor.unref();
  let closing: Promise<void> | undefined;
  return {
    url: `http://${env.host.includes(':') ? `[${env.host}]` : env.host}:${port}`,
    port,
    app,
    orm,
    bootstrap: bootstrapped,
    close: () =>
      (closing ??= (async () => {
        clearInterval(janitor);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 10_000);
        await closed;
        clearTimeout(force);
        await app.stop();
        await bus.close();
        await sql.close();
        await orm.close(true);
      })()),
  };
}
