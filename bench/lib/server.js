'use strict';
// Starts and stops `node dist/main.js` as a child process for the benchmark.
// The child gets its own process group (detached), so a last-resort kill of the
// group also takes the embedded PostgreSQL and the cluster workers with it.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { freePort } = require('./net');
const { childrenOf, readStat } = require('./proc');

const REPO = path.resolve(__dirname, '..', '..');
const live = new Set();

/**
 * @param {object} o
 * @param {number} o.workers
 * @param {string} o.dataDir        DATA_DIR (embedded PostgreSQL lives under it unless databaseUrl)
 * @param {string} [o.databaseUrl]
 * @param {string} [o.databaseDirectUrl] DATABASE_DIRECT_URL: with databaseUrl on PgBouncer, the direct connection
 * @param {string} o.secretKey      SECRET_KEY (base64), so the bench can compute client-secret digests
 * @param {string} o.adminSecret    ADMIN_CLIENT_SECRET
 * @param {string[]} [o.nodeArgs]   e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']
 * @param {Record<string, string>} [o.env] more environment, e.g. OTEL_EXPORTER_OTLP_ENDPOINT, or ISSUER
 * @param {number} [o.readyTimeoutMs] give up when not ready after this long (120 s)
 */
async function startServer(o) {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: o.dataDir,
    ADMIN_CLIENT_ID: 'admin',
    ADMIN_CLIENT_SECRET: o.adminSecret,
    SECRET_KEY: o.secretKey,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'warn',
    WORKERS: String(o.workers),
    NODE_ENV: 'production',
    ...o.env,
  };
  // ISSUER only when asked for (several nodes behind one proxy share the proxy's); else the server's own address
  if (!o.env?.ISSUER) delete env.ISSUER;
  if (o.databaseUrl) env.DATABASE_URL = o.databaseUrl;
  else delete env.DATABASE_URL;
  if (o.databaseDirectUrl) env.DATABASE_DIRECT_URL = o.databaseDirectUrl;
  else delete env.DATABASE_DIRECT_URL;

  const child = spawn(process.execPath, [...(o.nodeArgs || []), 'dist/main.js'], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) log.push(line);
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = {
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    workers: o.workers,
    dataDir: o.dataDir,
    log,
    exited,
    stop: () => stopServer(server, child, exited),
    kill: () => killGroup(child.pid),
  };
  live.add(server);

  const t0 = Date.now();
  let failed = null;
  exited.then((r) => (failed = r));
  for (;;) {
    if (failed) throw new Error(`server exited during start (${JSON.stringify(failed)}):\n${log.slice(-30).join('\n')}`);
    if (Date.now() - t0 > (o.readyTimeoutMs || 120_000)) {
      await server.stop();
      throw new Error(`server not ready after ${(o.readyTimeoutMs || 120_000) / 1000} s:\n${log.slice(-30).join('\n')}`);
    }
    const ready = await fetch(`${server.url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    const workersUp = o.workers <= 1 || childrenOf(child.pid).filter((p) => readStat(p)?.comm === 'node').length >= o.workers;
    if (ready && workersUp) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  server.startMs = Date.now() - t0;
  return server;
}

async function stopServer(server, child, exited) {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => killGroup(child.pid), 20_000);
    await exited;
    clearTimeout(timer);
  }
  // a clean shutdown stopped PostgreSQL too; otherwise clear whatever is left in the group
  const { code } = await exited;
  if (code !== 0) killGroup(child.pid);
  live.delete(server);
}

function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // group empty
  }
}

/** Synchronous last resort (process 'exit' handler): kill every server group still running. */
function killAllServersSync() {
  for (const s of live) killGroup(s.pid);
  live.clear();
}

/** Connection string of the embedded PostgreSQL the server started (see src/db/embedded-postgres.ts). */
function embeddedDatabaseUrl(dataDir) {
  const lines = fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  const port = Number(lines[3]);
  return `postgres://postgres:postgres@127.0.0.1:${port}/idp`;
}

module.exports = { startServer, killAllServersSync, embeddedDatabaseUrl, REPO };
