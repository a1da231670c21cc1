import type { MikroORM } from '@mikro-orm/postgresql';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type App } from './app';
import type { Env } from './config/env';
import { loadServerSecrets } from './config/load-server-secret';
import { initORM } from './db/init-orm';
import { PgChangeBus } from './db/pg-change-bus';
import { Database } from './data/database';
import { PgPreparedQueries } from './data/pg-prepared-queries';
import { bootstrap, type BootstrapResult } from './composition/bootstrap';
import type { Clock } from './domain/clock';
import { ServerSecret } from './domain/crypto/server-secret';
import { connectionDrain } from './ops/connection-drain';
import { Metrics } from './ops/metrics';
import { provisionAtStartup } from './ops/provision-at-startup';
import { StartupError } from './ops/startup-error';

const PURGE_INTERVAL_MS = 10 * 60_000;
/** How long a shutdown lets requests under way finish before it destroys their connections. */
const DRAIN_GRACE_MS = 10_000;
/** How often each process looks for tenants whose scheduled key rotation is due (one of them rotates: an advisory lock). */
const KEY_ROTATION_CHECK_MS = 60_000;

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
  const secret = new ServerSecret(loadServerSecrets(env));
  logger.info(
    { keyIds: secret.keyIds },
    'SECRET_KEYS: sealing and keying under the first key id; the others open and verify what they made',
  );
  const server = http.createServer({ keepAliveTimeout: 65_000 });
  const drain = connectionDrain(server);
  const app = await createApp({
    draining: () => drain.draining,
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
  const release = async () => {
    await app.stop();
    await bus.close();
    await sql.close();
    await orm.close(true);
  };
  // A value sealed under a key SECRET_KEYS lacks would fail at its first use: refuse to start instead.
  const missing = await app.domain.secretRotation.missingKeys();
  const lost = Object.entries(missing.sealed).filter(([id]) => env.secretKeysLost.includes(id));
  if (lost.length > 0) {
    logger.warn(
      { keyIds: Object.fromEntries(lost) },
      'SECRET_KEYS_LOST: values sealed under these keys cannot be opened; rotate the affected tenants’ signing keys, users re-enrol their second factor',
    );
  }
  const unaccounted = Object.entries(missing.sealed).filter(([id]) => !env.secretKeysLost.includes(id));
  if (unaccounted.length > 0) {
    await release();
    const named = unaccounted.map(([id, count]) => `${id} (${count} values)`);
    throw new StartupError(
      `SECRET_KEYS lacks the key${named.length > 1 ? 's' : ''} ${named.join(', ')} that stored values are sealed under; add ${named.length > 1 ? 'them' : 'it'} back after the newest key, or name ${named.length > 1 ? 'them' : 'it'} in SECRET_KEYS_LOST if lost for good (docs/operations.md, "Rotate SECRET_KEY")`,
    );
  }
  // Digests under a dropped key only stop their own secrets from verifying: those clients need new secrets.
  if (Object.keys(missing.digests).length > 0) {
    logger.warn(
      { keyIds: missing.digests },
      'SECRET_KEYS lacks keys some client secret or registration token digests are keyed under: those secrets no longer verify; issue new ones',
    );
  }
  const bootstrapped = options.prepareDatabase
    ? await bootstrap(app.domain, {
        adminClientId: env.adminClientId,
        adminClientSecret: env.adminClientSecret,
        issuer: env.issuer,
        adminUsername: env.adminUsername,
        adminPassword: env.adminPassword,
      })
    : null;
  if (options.prepareDatabase && env.provision) {
    await provisionAtStartup(app.domain.provisioning, env.provision, logger).catch(async (error: unknown) => {
      await release();
      throw error;
    });
  }

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    drain.admit(req, res);
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
  const keyRotation = setInterval(() => {
    app.domain.keys
      .rotateDue()
      .catch((error: unknown) => logger.warn({ err: error }, 'scheduled key rotation failed; retrying at the next check'));
  }, KEY_ROTATION_CHECK_MS);
  keyRotation.unref();
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
        clearInterval(keyRotation);
        // Readiness answers 503 from here on; every response closes its connection; idle ones close now.
        const { forced } = await drain.drain(DRAIN_GRACE_MS);
        if (forced > 0)
          logger.warn(
            { connections: forced, graceMs: DRAIN_GRACE_MS },
            'connections still busy at the end of the grace period were destroyed',
          );
        await release();
      })()),
  };
}
