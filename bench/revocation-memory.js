'use strict';
// `node --expose-gc bench/revocation-memory.js` (after `npm run build`): memory and load
// time of the in-memory revocation state (src/domain/revocation/state/revocation-state.ts) for
// REVOKED (1,000,000) unexpired revoked access tokens. Uses DATABASE_URL, or an embedded
// PostgreSQL in a temporary directory; the rows go into a fresh database, dropped afterwards.
// Prints the extra heap + external memory the state holds and how long loading took (fetching
// the snapshot from the database, then sorting it into the state). BENCH_COMPARE_ORDERED=1 also times
// the earlier loader's query (ordered by jti in PostgreSQL) in the same run.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID, randomBytes } = require('node:crypto');
const { Client } = require('pg');

const REPO = path.join(__dirname, '..');
const dist = (...p) => require(path.join(REPO, 'dist', ...p));
const { initORM } = dist('db', 'init-orm.js');
const { Database } = dist('data', 'database.js');
const { RevocationRepository } = dist('data', 'revocation.repository.js');
const { RevocationState } = dist('domain', 'revocation', 'state', 'revocation-state.js');

const REVOKED = Number(process.env.REVOKED || 1_000_000);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
// Freed ArrayBuffers leave `external` only once V8's sweeper has run: collect, let it run, collect again.
const used = async () => {
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

async function main() {
  if (!global.gc) console.warn('run with node --expose-gc for exact figures');
  let embedded = null;
  let dir = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const { startEmbeddedPostgres } = dist('db', 'embedded-postgres.js');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-bench-rev-'));
    fs.chmodSync(dir, 0o755);
    embedded = await startEmbeddedPostgres(path.join(dir, 'data'), 'postgres', () => {}, {
      runtimeDir: dir,
      settings: { fsync: 'off', synchronous_commit: 'off' },
    });
    adminUrl = embedded.url;
  }
  const name = `rev_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let orm;
  try {
    orm = await initORM(url.toString(), {}, true);
    const db = new Database(orm, null);
    const filler = new Client({ connectionString: url.toString() });
    await filler.connect();
    const t0 = Date.now();
    await filler.query('set session_replication_role = replica'); // no tenant rows needed for the FK
    await filler.query(
      `insert into revoked_tokens (jti, tenant_id, expires_at)
       select gen_random_uuid(), $1::uuid, now() + interval '1 hour' from generate_series(1, $2::int)`,
      [randomUUID(), REVOKED],
    );
    await filler.query('analyze revoked_tokens');
    await filler.end();
    console.log(`inserted ${REVOKED} revoked jtis in ${Date.now() - t0} ms`);

    const repo = new RevocationRepository(db);
    await db.execute('select count(*) from revoked_tokens'); // warm the connection and the table's pages
    if (process.env.BENCH_PROBE_LEAK) {
      let probe = await repo.loadRevocationSnapshot();
      const b0 = await used();
      probe = null;
      console.log('after a load, dropped:', mb(b0 - (await used())), 'MB freed');
    }
    const before = await used();
    const rssBefore = process.memoryUsage().rss;
    const start = process.hrtime.bigint();
    const state = new RevocationState();
    let snapshot = await repo.loadRevocationSnapshot();
    const fetchedMs = Number(process.hrtime.bigint() - start) / 1e6;
    await state.load(snapshot, () => Math.floor(Date.now() / 1000)); // as the server does: sorted in steps that yield to the event loop
    snapshot = null; // the state keeps its own copy
    const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
    const after = await used();
    const rssAfter = process.memoryUsage().rss;
    const now = Math.floor(Date.now() / 1000);
    const probes = 100_000;
    const lookupStart = process.hrtime.bigint();
    let hits = 0;
    for (let i = 0; i < probes; i++) if (state.isJtiRevoked(randomUUID(), now)) hits++;
    const lookupNs = Number(process.hrtime.bigint() - lookupStart) / probes;
    const result = {
      revokedJtis: state.revokedJtiCount,
      extraMemoryMB: Number(mb(after - before)),
      extraRssMB: Number(mb(rssAfter - rssBefore)),
      loadMs: Math.round(loadMs),
      fetchMs: Math.round(fetchedMs),
      sortMs: Math.round(loadMs - fetchedMs),
      lookupNs: Math.round(lookupNs),
      falseHits: hits,
    };
    if (process.env.BENCH_COMPARE_ORDERED) {
      // The first round's loader, for a ratio on the same machine state: PostgreSQL sorting by jti (an index-order scan).
      const t = process.hrtime.bigint();
      await db.execute(`select string_agg(uuid_send(jti) || int4send(least(extract(epoch from expires_at), 2147483647)::int), ''::bytea order by jti) as records
                          from revoked_tokens where expires_at > now()`);
      result.orderedQueryMs = Math.round(Number(process.hrtime.bigint() - t) / 1e6);
    }
    result.loadavg = os.loadavg()[0].toFixed(1);
    console.log(JSON.stringify(result));
  } finally {
    await orm?.close(true);
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
    await embedded?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
