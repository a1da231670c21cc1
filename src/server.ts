import type { MikroORM } from '@mikro-orm/postgresql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type App } from './app';
import type { Env } from './config/env';
import { loadServerSecret } from './config/load-server-secret';
import { initORM } from './db/init-orm';
import { PgChangeBus } from './db/pg-change-bus';
import { Database } from './data/database';
import { PgPreparedQueries } from './data/pg-prepared-queries';
import { bootstrap, type BootstrapResult } from './composition/bootstrap';
import type { Clock } from './domain/clock';
import { ServerSecret } from './domain/crypto/server-secret';
import { Metrics } from './ops/metrics';
import { provisionAtStartup } from './ops/provision-at-startup';

const PURGE_INTERVAL_MS = 10 * 60_000;

export interface ServerOptions {
  env: Env;
  databaseUrl: string;
  logger: Logger;
  /** Run migrations, bootstrap and PROVISION_FILE (the primary process does; cluster workers do not). */
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
  changeBus: PgChangeBus;
  bootstrap: BootstrapResult | null;
  close(): Promise<void>;
}

/** Connects to the database, builds the app and listens; `close()` drains and disconnects. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { env, logger } = options;
  // Behind a transaction-pooling proxy (DATABASE_DIRECT_URL set), migrations and LISTEN take the direct connection.
  const directUrl = env.databaseDirectUrl;
  if (directUrl && options.prepareDatabase) await (await initORM(directUrl, {}, true)).close(true);
  const orm = await initORM(options.databaseUrl, {}, options.prepareDatabase && !directUrl);
  const metrics = new Metrics();
  if (options.clusterWorker) metrics.aggregateAcrossCluster();
  orm.em
    .getConnection()
    .getKnex()
    .on('query', () => metrics.countQuery());
  const sql = new PgPreparedQueries(
    options.databaseUrl,
    () => metrics.countQuery(),
    (error) => logger.warn({ err: error }, 'prepared-statement pool error'),
    !directUrl,
  );
  const db = new Database(orm, sql);
  const bus = await PgChangeBus.connect({
    url: directUrl ?? options.databaseUrl,
    notify: (channel, payload) => db.notify(channel, payload),
    log: logger,
  });
  const secret = new ServerSecret(loadServerSecret(env));
  const app = await createApp({
    db,
    secret,
    bus,
    logger,
    issuer: env.issuer,
    metrics,
    clock: options.clock,
    trustProxy: env.trustProxy,
    dpopRequireNonce: env.dpopRequireNonce,
    outboundAllowCidrs: env.outboundAllowCidrs,
    webhookRetryFirstMs: env.webhookRetryFirstMs,
    smtp: env.smtpUrl ? { url: env.smtpUrl, from: env.smtpFrom } : undefined,
  });
  const bootstrapped = options.prepareDatabase
    ? await bootstrap(app.domain, {
        adminClientId: env.adminClientId,
        adminClientSecret: env.adminClientSecret,
        issuer: env.issuer,
        adminUsername: env.adminUsername,
        adminPassword: env.adminPassword,
      })
    : null;
  const release = async () => {
    await app.stop();
    await bus.close();
    await sql.close();
    await orm.close(true);
  };
  if (options.prepareDatabase && env.provision) {
    await provisionAtStartup(app.domain.provisioning, env.provision, logger).catch(async (error: unknown) => {
      await release();
      throw error;
    });
  }

  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (!app.fastPath(req, res)) app.express(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.port, env.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const janitor = setInterval(() => {
    app.domain.revocationCheck.sync.prune();
    Promise.all([
      app.domain.maintenance.purgeExpired(),
      app.domain.audit.prune(env.auditRetentionDays),
      app.domain.webhooks.prune(env.auditRetentionDays),
    ])
      .then(([purged, auditEvents]) => logger.debug({ purged, auditEvents }, 'purged expired rows'))
      .catch((error: unknown) => logger.warn({ err: error }, 'purging expired rows failed'));
  }, PURGE_INTERVAL_MS);
  janitor.unref();
  let closing: Promise<void> | undefined;
  return {
    url: `http://${env.host.includes(':') ? `[${env.host}]` : env.host}:${port}`,
    port,
    app,
    orm,
    changeBus: bus,
    bootstrap: bootstrapped,
    close: () =>
      (closing ??= (async () => {
        clearInterval(janitor);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 10_000);
        await closed;
        clearTimeout(force);
        await release();
      })()),
  };
}
