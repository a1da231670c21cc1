// Debian's PgBouncer (1.18 on bookworm) in transaction pooling mode, for the tests
// (tests/integration/pgbouncer.test.ts) and `npm run bench` (its PgBouncer row).
// Plain CommonJS so both can load it; it uses the server's own start-up helpers
// from dist/ (built by `pretest` and by the bench).
const { execFileSync, spawn } = require('node:child_process');
const { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('../../dist/db/embedded-postgres.js');
const { postgresAccount } = require('../../dist/db/postgres-account.js');

/** Debian's packages PgBouncer needs beyond a base system, fetched once into the checkout's cache. */
const PACKAGES = ['pgbouncer', 'libc-ares2', 'libevent-2.1-7'];
const CACHE = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'pgbouncer-debs');

/**
 * The `.deb` files, downloaded with `apt-get download` (no root needed) into node_modules/.cache
 * on first use. A system-wide /usr/sbin/pgbouncer is not used: every run uses the same build,
 * as the same unprivileged account as the test PostgreSQL.
 */
function debianPackages() {
  mkdirSync(CACHE, { recursive: true });
  const have = () => readdirSync(CACHE).filter((name) => name.endsWith('.deb'));
  const missing = () => PACKAGES.filter((name) => !have().some((file) => file.startsWith(`${name}_`)));
  if (missing().length > 0) {
    const download = () => execFileSync('apt-get', ['download', ...missing()], { cwd: CACHE, stdio: 'pipe' });
    try {
      download();
    } catch (error) {
      // A fresh image may have no package lists yet: as root, fetch them once and retry.
      if (process.getuid?.() !== 0) {
        throw new Error(`apt-get download ${missing().join(' ')} failed (${error.message}); run "apt-get update" once as root`);
      }
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe' });
      download();
    }
  }
  return have().map((file) => path.join(CACHE, file));
}

/** Unpacks PgBouncer into `dir`; its binary and the directories of its libraries. */
function unpack(dir) {
  for (const deb of debianPackages()) execFileSync('dpkg-deb', ['-x', deb, dir]);
  const libraryDirs = ['usr/lib', 'lib']
    .map((base) => path.join(dir, base))
    .filter(existsSync)
    .flatMap((base) => readdirSync(base).map((entry) => path.join(base, entry)))
    .filter((entry) => /linux-gnu$/.test(entry));
  return { binary: path.join(dir, 'usr', 'sbin', 'pgbouncer'), libraryPath: libraryDirs.join(':') };
}

/** Resolves once PgBouncer logs that it listens (its own signal); rejects if it exits first. */
function listening(child, output) {
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (!/listening on 127\.0\.0\.1/.test(output())) return;
      child.stderr.off('data', onData);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code) => reject(new Error(`pgbouncer exited (${code}): ${output()}`));
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * Starts PgBouncer in transaction pooling mode in front of the PostgreSQL of `targetUrl`, on
 * `listenPort` or a free loopback port, with no unix socket (nothing written outside its temp
 * dir). As root it runs as the `postgres` account: PgBouncer refuses to run as root.
 * @param {string} targetUrl
 * @param {number} [listenPort]
 * @returns {Promise<{ url: string, process: import('node:child_process').ChildProcess, log(): string, stop(): Promise<void> }>}
 *   `url` is `targetUrl` with PgBouncer's host and port.
 */
async function startPgBouncer(targetUrl, listenPort) {
  const target = new URL(targetUrl);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idp-pgbouncer-'));
  const { binary, libraryPath } = unpack(dir);
  const port = listenPort ?? (await freePort());
  const account = postgresAccount();
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  const config = path.join(dir, 'pgbouncer.ini');
  writeFileSync(
    config,
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432} user=${user}${password ? ` password=${password}` : ''}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      'max_client_conn = 500',
      'default_pool_size = 20',
      'server_reset_query =',
      'ignore_startup_parameters = extra_float_digits,options',
      'logfile =',
      'pidfile =',
      '',
    ].join('\n'),
  );
  if (account) {
    chmodSync(dir, 0o755);
    chownSync(dir, account.uid, account.gid);
    chownSync(config, account.uid, account.gid);
  }
  let output = '';
  const child = spawn(binary, [config], {
    env: { ...process.env, LD_LIBRARY_PATH: libraryPath },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
  });
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  child.stderr.on('data', (chunk) => (output += chunk.toString()));
  try {
    await listening(child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const pooled = new URL(targetUrl);
  pooled.hostname = '127.0.0.1';
  pooled.port = String(port);
  return {
    url: pooled.toString(),
    process: child,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startPgBouncer };
