import { createHash } from 'node:crypto';
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  symlinkSync,
} from 'node:fs';
import path from 'node:path';
import { ACCOUNT, EmbeddedPostgresError, makeTraversable, reachableBy, type PostgresAccount } from './postgres-account';

/**
 * The real cluster directory for the requested `dir` (normally `$DATA_DIR/postgres`),
 * ready for initdb or start: owned by the account that runs PostgreSQL.
 *
 * As root, when the postgres account cannot enter DATA_DIR (DATA_DIR is 0700, or
 * sits in a 0700 directory), the cluster lives in
 * `runtimeDir/clusters/<hash of DATA_DIR>-<random>` and `dir` becomes a symlink to it: the
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
    if (!real)
      throw new EmbeddedPostgresError(
        `${requested} points to ${safeReadlink(requested)}, which does not exist; restore the PostgreSQL data there or remove the link to start with an empty database`,
      );
    if (!reachableBy(account, real))
      throw new EmbeddedPostgresError(
        `the "${ACCOUNT}" user cannot reach ${real} (linked from ${requested}); give it back ownership with "chown -R ${ACCOUNT}: ${real}"`,
      );
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
  // A new directory every time: a cluster left behind by a deleted DATA_DIR at the same path is
  // never picked up again (its data would not match this DATA_DIR's fresh secret.key).
  const relocated = mkdtempSync(path.join(clusters, `${createHash('sha256').update(realpathSync(parent)).digest('hex').slice(0, 16)}-`));
  chownSync(relocated, account.uid, account.gid);
  if (!reachableBy(account, relocated)) {
    throw new EmbeddedPostgresError(
      `the "${ACCOUNT}" user cannot reach ${relocated}; set EMBEDDED_POSTGRES_DIR to a directory whose parents everyone may enter (default /var/lib/tenant-idp)`,
    );
  }
  symlinkSync(relocated, requested);
  return { path: relocated, relocated: true };
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
