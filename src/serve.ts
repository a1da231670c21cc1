import 'reflect-metadata';
import cluster from 'node:cluster';
import path from 'node:path';
import type pino from 'pino';
import { parseEnv, type Env } from './config/env';
import { loadServerSecrets } from './config/load-server-secret';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres';
import { serveClusterMetrics } from './ops/cluster-metrics';
import { describeStartupFailure } from './ops/describe-startup-failure';
import { createLogger } from './ops/logger';
import { startServer, type RunningServer } from './server';
import { tracing } from './ops/trace-hooks';

/**
 * The server process (src/main.ts loads it, after tracing when configured): the primary starts the embedded PostgreSQL when DATABASE_URL
 * is unset, migrates and bootstraps, then serves (WORKERS=1) or forks workers.
 * SIGTERM/SIGINT drain HTTP, close the pool and stop the embedded database.
 */
const SHUTDOWN_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  const env = parseEnv();
  const logger = createLogger(env.logLevel);
  if (cluster.isWorker) return runWorker(env, logger);

  const started = Date.now();
  let database: EmbeddedDatabase | null = null;
  let serving: RunningServer | null = null;
  let shuttingDown = false;
  // Registered before anything starts, so a signal during start-up also stops what already runs.
  // Order (issue 12): stop accepting and drain HTTP (bounded by the server's grace period),
  // close the pools, then stop the embedded database, then exit 0.
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    try {
      const workers = Object.values(cluster.workers ?? {});
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (!w || w.isDead()) return resolve();
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      );
      await serving?.close();
      await database?.stop();
      await flushTelemetry(logger);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  loadServerSecrets(env); // create it before any worker could race to
  let databaseUrl = env.databaseUrl;
  if (!databaseUrl) {
    database = await startEmbeddedPostgres(path.join(env.dataDir, 'postgres'), 'idp', (line) => logger.debug({ postgres: line }), {
      runtimeDir: env.embeddedPostgresDir,
    });
    databaseUrl = database.url;
    if (database.relocated) {
      logger.info(
        { cluster: database.dataDir, link: path.join(env.dataDir, 'postgres') },
        'the postgres user cannot enter DATA_DIR: its cluster lives outside, linked from DATA_DIR',
      );
    }
    logger.info({ dataDir: env.dataDir }, 'embedded PostgreSQL started');
  }

  const primaryEnv = env.workers > 1 ? { ...env, port: 0 } : env;
  const server = await startServer({ env: primaryEnv, databaseUrl, logger, prepareDatabase: true }).catch(async (error: unknown) => {
    await database?.stop();
    throw error;
  });
  announceBootstrap(server, env, logger);
  serving = server;

  if (env.workers > 1) {
    await server.close();
    serving = null;
    serveClusterMetrics();
    for (let i = 0; i < env.workers; i++) cluster.fork({ DATABASE_URL: databaseUrl });
    cluster.on('exit', (worker, code, signal) => {
      if (!shuttingDown) logger.error({ worker: worker.id, code, signal }, 'worker exited unexpectedly');
    });
    await Promise.all(Object.values(cluster.workers ?? {}).map((w) => new Promise((resolve) => w?.once('listening', resolve))));
  }
  logger.info(
    { url: `http://${env.host}:${env.port}`, issuer: env.issuer, workers: env.workers, readyMs: Date.now() - started },
    'server ready',
  );
}

async function runWorker(env: Env, logger: pino.Logger): Promise<void> {
  const server = await startServer({ env, databaseUrl: env.databaseUrl!, logger, prepareDatabase: false, clusterWorker: true });
  const stop = async () => {
    await server.close();
    await flushTelemetry(logger);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => undefined); // the primary coordinates shutdown
}

/** Exports the spans and metrics still buffered (OpenTelemetry, when on); a failed export is logged, not fatal. */
async function flushTelemetry(logger: pino.Logger): Promise<void> {
  await tracing.hooks?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'flushing telemetry failed'));
}

function announceBootstrap(server: RunningServer, env: Env, logger: pino.Logger): void {
  const password = server.bootstrap?.generatedAdminPassword;
  if (password) {
    logger.warn({ username: env.adminUsername }, 'bootstrap human admin created; its password is printed once below');
    process.stdout.write(
      `\n  Human admin created in tenant "/" (sign in at ${env.issuer}/console). Store this password now; it is not shown again.\n` +
        `    ADMIN_USERNAME=${env.adminUsername}\n    ADMIN_PASSWORD=${password}\n\n`,
    );
  }
  const secret = server.bootstrap?.generatedAdminSecret;
  if (!secret) return;
  logger.warn({ clientId: env.adminClientId }, 'bootstrap admin client created; its secret is printed once below');
  process.stdout.write(
    `\n  Admin client created in tenant "/" (scope "admin"). Store this secret now; it is not shown again.\n` +
      `    ADMIN_CLIENT_ID=${env.adminClientId}\n    ADMIN_CLIENT_SECRET=${secret}\n\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${describeStartupFailure(error)}\n`);
  process.exit(1); // an embedded PostgreSQL already started is stopped by its exit hook
});
