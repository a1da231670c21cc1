import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { parseEnv } from '../../src/config/env';
import { freePort } from '../../src/db/embedded-postgres';
import type { Clock } from '../../src/domain/clock';
import { startServer, type RunningServer } from '../../src/server';
import { withDatabase } from './global-setup';

export const ADMIN_CLIENT_ID = 'admin';
export const ADMIN_CLIENT_SECRET = 'test-admin-secret-0123456789abcdef';

export interface TestServer {
  url: string;
  issuer: string;
  databaseUrl: string;
  server: RunningServer;
  close(): Promise<void>;
}

export interface TestServerOptions {
  clock?: Clock;
  env?: Record<string, string>;
  /** Replaces the (silent) test logger, e.g. to read the access log. */
  logger?: pino.Logger;
  /** Connect the server through another address (e.g. a {@link TcpProxy}) instead of straight to its database. */
  connectVia?: (databaseUrl: string) => string;
  /** Use this existing database (another server's) instead of a fresh clone. */
  databaseUrl?: string;
  /** The issuer's host (default 127.0.0.1); `localhost` where a browser needs a domain, e.g. as WebAuthn's RP ID. */
  issuerHost?: string;
}

/** A fresh database of its own, cloned from the migrated template; its connection URL. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = process.env.IDP_TEST_ADMIN_URL;
  const template = process.env.IDP_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('global-setup did not run');
  const database = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${database} template ${template}`);
  await admin.end();
  return withDatabase(adminUrl, database);
}

/**
 * A real server on a real PostgreSQL database of its own (cloned from the
 * migrated template), listening on a free loopback port.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const port = await freePort();
  const issuer = `http://${options.issuerHost ?? '127.0.0.1'}:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'idp-test-data-'));
  const env = parseEnv({
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: issuer,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64'),
    ADMIN_CLIENT_ID,
    ADMIN_CLIENT_SECRET,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const server = await startServer({
    env,
    databaseUrl: options.connectVia?.(databaseUrl) ?? databaseUrl,
    logger: options.logger ?? pino({ level: env.logLevel }),
    prepareDatabase: true,
    clock: options.clock,
  });
  return {
    url: server.url,
    issuer,
    databaseUrl,
    server,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
