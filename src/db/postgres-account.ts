import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

/** The unprivileged account PostgreSQL runs as when we are root (it refuses to run as root). */
export interface PostgresAccount {
  uid: number;
  gid: number;
}

/** A start-up problem with the embedded database, phrased for the operator: what failed and what to do. */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

export const ACCOUNT = 'postgres';

/**
 * `null` when this process is not root (PostgreSQL then runs as us and needs nothing
 * special); as root, the `postgres` system account, created when missing.
 */
export function postgresAccount(): PostgresAccount | null {
  if (process.getuid?.() !== 0) return null;
  const lookup = (): PostgresAccount | null => {
    try {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, ACCOUNT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      return null;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('groupadd', ['--force', '--system', ACCOUNT], { stdio: 'ignore' });
    execFileSync(
      'useradd',
      ['--system', '--gid', ACCOUNT, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', ACCOUNT],
      { stdio: 'ignore' },
    );
  } catch (error) {
    throw new EmbeddedPostgresError(
      `running as root, the embedded PostgreSQL needs a "${ACCOUNT}" system user and creating it failed (${(error as Error).message}); create it with "useradd --system ${ACCOUNT}" or run as an ordinary user`,
    );
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
  const probe = spawnSync('/bin/sh', ['-c', 'test -r "$1" && test -x "$1"', 'probe', target], {
    uid: account.uid,
    gid: account.gid,
    stdio: 'ignore',
  });
  return probe.status === 0;
}

/** Creates `dir` and its missing parents with mode 0755 (root-owned: only root writes there). */
export function makeTraversable(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
}
