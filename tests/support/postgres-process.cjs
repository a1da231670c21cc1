// Starts an embedded PostgreSQL for one test run in a temporary directory,
// prints {"url": ...} once ready, and stops it cleanly on SIGTERM.
// A separate plain-Node process so the server outlives jest's module registry;
// it runs the same start-up code as `npm start` (dist/db/embedded-postgres.js,
// built by `pretest`), so a test run as root from a 0700 clone proves that path too.
const { chmodSync, mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startEmbeddedPostgres } = require('../../dist/db/embedded-postgres.js');

(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'idp-test-pg-'));
  // Our own directory: the postgres user (when we are root) may enter it, so
  // the cluster and, if node_modules is out of its reach, the binaries' copy live here.
  chmodSync(dir, 0o755);
  const settings = { max_connections: '300', fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
  let database;
  try {
    const runtimeDir = process.env.IDP_TEST_RUNTIME_DIR || dir;
    database = await startEmbeddedPostgres(path.join(dir, 'data'), 'postgres', () => {}, { runtimeDir, settings });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await database.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  process.stdout.write(`${JSON.stringify({ url: database.url })}\n`);
})().catch((error) => {
  process.stderr.write(`embedded PostgreSQL for the tests: ${error && error.message ? error.message : error}\n`);
  process.exit(1);
});
