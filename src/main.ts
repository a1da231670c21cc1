import 'reflect-metadata';
import cluster from 'node:cluster';
import path from 'node:path';
import pino from 'pino';
import { parseEnv, type Env } from './config/env';
import { loadServerSecret } from './config/load-server-secret';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres';
import { serveClusterMetrics } from './ops/cluster-metrics';
import { StartupError } from './ops/startup-error';
import { startServer, type RunningServer } from './server';

/**
 * Process entry: the primary starts the embedded PostgreSQL when DATABASE_URL
 * is unset, migrates and bootstraps, then serves (WORKERS=1) or forks workers.
 * SIGTERM/SIGINT drain HTTP, close the pool and stop the embedded database.
 */
async function main(): Promise<void> {
  const env = parseEnv();
  const logger = pino({ level: env.logLevel, base: { pid: process.pid } });
  if (cluster.isWorker) return runWorker(env, logger);

  const started = Date.now();
  loadServerSecret(env); // create it before any worker could race to
  let database: EmbeddedDatabase | null = null;
  let databaseUrl = env.databaseUrl;
  if (!databaseUrl) {
    database = await startEmbeddedPostgres(path.join(env.dataDir, 'postgres'), 'idp', (line) => logger.debug({ postgres: line }));
    databaseUrl = database.url;
    logger.info({ dataDir: env.dataDir }, 'embedded PostgreSQL started');
  }

  let shuttingDown = false;
  const primaryEnv = env.workers > 1 ? { ...env, port: 0 } : env;
  const server = await startServer({ env: primaryEnv, databaseUrl, logger, prepareDatabase: true }).catch(async (error: unknown) => {
    await database?.stop();
    throw error;
  });
  announceBootstrap(server, env, logger);
  let serving: RunningServer | null = server;

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
  logger.info({ url: `http://${env.host}:${env.port}`, issuer: env.issuer, workers: env.workers, readyMs: Date.now() - started }, 'server ready');

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const workers = Object.values(cluster.workers ?? {});
    await Promise.all(
      workers.map((w) => new Promise<void>((resolve) => {
        if (!w || w.isDead()) return resolve();
        w.once('exit', () => resolve());
        w.process.kill('SIGTERM');
      })),
    );
    await serving?.close();
    await database?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function runWorker(env: Env, logger: pino.Logger): Promise<void> {
  const server = await startServer({ env, databaseUrl: env.databaseUrl!, logger, prepareDatabase: false, clusterWorker: true });
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => undefined); // the primary coordinates shutdown
}

function announceBootstrap(server: RunningServer, env: Env, logger: pino.Logger): void {
  const secret = server.bootstrap?.generatedAdminSecret;
  if (!secret) return;
  logger.warn({ clientId: env.adminClientId }, 'bootstrap admin client created; its secret is printed once below');
  process.stdout.write(
    `\n  Admin client created in tenant "/" (scope "admin"). Store this secret now; it is not shown again.\n` +
      `    ADMIN_CLIENT_ID=${env.adminClientId}\n    ADMIN_CLIENT_SECRET=${secret}\n\n`,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof StartupError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`fatal: ${message}\n`);
  process.exit(1);
});
