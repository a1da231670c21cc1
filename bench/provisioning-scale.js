'use strict';
// Provisioning at scale (issue 24): a PROVISION_FILE of N tenants (BENCH_PROVISION_TENANTS,
// default 10,000) with one confidential client each.
//
//   1. `node dist/main.js` with PROVISION_FILE on a fresh database: time to /readyz (first start);
//   2. the same again, nothing changed (no-change start);
//   3. the same database without PROVISION_FILE (what a start costs anyway, for comparison);
//   4. `tenant-idp apply FILE` against a server on another fresh database, then again (no-op): the CLI
//      process from start to exit (it sends the file through `applyProvisioning`, ≤ 1,000 tenants a request);
//      BENCH_PROVISION_API_TENANTS (default: N) tenants of the same file, BENCH_SKIP=provisioningApply skips it.
//      Targets as for the start: ≤ 30 s first, ≤ 5 s when nothing changed (provisioningTargets).
//
// Part of `npm run bench` (section `provisioning`: BENCH_ONLY=provisioning, BENCH_SKIP=provisioning),
// or alone: `npm run build && node bench/provisioning-scale.js`. DATABASE_URL: a fresh database is made
// in that PostgreSQL per server (and dropped); otherwise embedded PostgreSQL under a temporary DATA_DIR.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { spawn } = require('node:child_process');
const { startServer, killAllServersSync, REPO } = require('./lib/server');
const { withDb } = require('./lib/growth');

const CLIENT_SECRET = 'bench-provisioned-client-secret-0123456789';

/** A provisioning document: `tenants` tenants /prov/00000… under /prov, one client_credentials client each. */
function provisioningDocument(tenants) {
  const list = [{ path: '/prov', name: 'Provisioning bench' }];
  for (let i = 0; i < tenants - 1; i++) {
    const n = String(i).padStart(5, '0');
    list.push({
      path: `/prov/t${n}`,
      name: `Tenant ${n}`,
      clients: [
        {
          clientId: `prov-${n}`,
          name: `Client ${n}`,
          clientSecret: '${BENCH_PROVISION_SECRET}',
          grantTypes: ['client_credentials'],
        },
      ],
    });
  }
  return { tenants: list };
}

function runCli(args, env) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'tenant-idp.js'), ...args], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`tenant-idp ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else resolve({ ms: Date.now() - t0, out });
    });
  });
}

/**
 * @param {object} o
 * @param {number} o.tenants
 * @param {number} o.apiTenants tenants for `tenant-idp apply` (0: skip)
 * @param {string|null} o.databaseUrl
 * @param {(msg: string) => void} o.log
 */
async function provisioningScale(o) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-bench-prov-'));
  fs.chmodSync(root, 0o755);
  const drops = [];
  const freshDatabase = async (name) => {
    const dataDir = path.join(root, name);
    fs.mkdirSync(dataDir, { mode: 0o755 });
    if (!o.databaseUrl) return { dataDir };
    const db = `idp_bench_prov_${name}_${randomBytes(4).toString('hex')}`;
    await withDb(o.databaseUrl, (c) => c.query(`create database ${db}`));
    drops.push(() => withDb(o.databaseUrl, (c) => c.query(`drop database if exists ${db} with (force)`)));
    const u = new URL(o.databaseUrl);
    u.pathname = `/${db}`;
    return { dataDir, databaseUrl: u.toString() };
  };
  const common = {
    workers: 1,
    secretKey: randomBytes(32).toString('base64'),
    adminSecret: `bench-admin-${randomBytes(12).toString('hex')}`,
    readyTimeoutMs: Number(process.env.BENCH_PROVISION_TIMEOUT || 900) * 1000,
    nodeArgs: process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
  };
  const file = path.join(root, 'provision.json');
  fs.writeFileSync(file, JSON.stringify(provisioningDocument(o.tenants)));
  const withFile = { PROVISION_FILE: file, BENCH_PROVISION_SECRET: CLIENT_SECRET, LOG_LEVEL: 'info' };
  const result = { tenants: o.tenants, clients: o.tenants - 1 };
  const timedStart = async (db, env, label) => {
    const server = await startServer({ ...common, ...db, env });
    const applied = server.log.find((line) => line.includes('provisioning file applied'));
    o.log(`provisioning: ${label}: ready in ${(server.startMs / 1000).toFixed(1)} s${applied ? ` ${summary(applied)}` : ''}`);
    return server;
  };
  try {
    const db = await freshDatabase('start');
    let server = await timedStart(db, withFile, `first start, ${o.tenants} tenants`);
    result.firstStartS = server.startMs / 1000;
    await server.stop();
    server = await timedStart(db, withFile, 'no-change start');
    result.noChangeStartS = server.startMs / 1000;
    await server.stop();
    server = await timedStart(db, {}, 'start without PROVISION_FILE');
    result.plainStartS = server.startMs / 1000;
    await server.stop();

    if (o.apiTenants > 0) {
      const apiFile = path.join(root, 'provision-api.json');
      fs.writeFileSync(apiFile, JSON.stringify(provisioningDocument(o.apiTenants)));
      const apiDb = await freshDatabase('api');
      server = await startServer({ ...common, ...apiDb, env: {} });
      const env = {
        ...process.env,
        TENANT_IDP_URL: server.url,
        TENANT_IDP_CLIENT_ID: 'admin',
        TENANT_IDP_CLIENT_SECRET: common.adminSecret,
        BENCH_PROVISION_SECRET: CLIENT_SECRET,
      };
      try {
        const first = await runCli(['apply', apiFile, '--json'], env);
        o.log(`provisioning: tenant-idp apply, ${o.apiTenants} tenants: ${(first.ms / 1000).toFixed(1)} s ${summary(first.out)}`);
        const again = await runCli(['apply', apiFile, '--json'], env);
        o.log(`provisioning: tenant-idp apply again (no-op): ${(again.ms / 1000).toFixed(1)} s ${summary(again.out)}`);
        Object.assign(result, { apiTenants: o.apiTenants, applyS: first.ms / 1000, applyNoopS: again.ms / 1000 });
      } finally {
        await server.stop();
      }
    }
  } finally {
    for (const drop of drops) await drop().catch(() => {});
    if (!process.env.BENCH_KEEP_DATA) fs.rmSync(root, { recursive: true, force: true });
  }
  return result;
}

/** A report (the log line of PROVISION_FILE, or `tenant-idp apply --json` output) → `(tenants … created, …)`. */
function summary(line) {
  try {
    const r = JSON.parse(line);
    return `(tenants ${r.tenants.created} created, ${r.tenants.unchanged} unchanged; clients ${r.clients.created} created, ${r.clients.unchanged} unchanged)`;
  } catch {
    return '';
  }
}

/** The targets of issue 24 for a result (10,000 tenants: first start ≤ 30 s, no change ≤ 5 s; apply the same). */
function provisioningTargets(r) {
  const rows = [
    { label: `PROVISION_FILE first start, ${r.tenants} tenants (s)`, measured: r.firstStartS, op: '≤', value: 30 },
    { label: `PROVISION_FILE no-change start, ${r.tenants} tenants (s)`, measured: r.noChangeStartS, op: '≤', value: 5 },
  ];
  if (r.applyS !== undefined) {
    rows.push({ label: `tenant-idp apply, ${r.apiTenants} tenants (s)`, measured: r.applyS, op: '≤', value: 30 });
    rows.push({ label: `tenant-idp apply no-op, ${r.apiTenants} tenants (s)`, measured: r.applyNoopS, op: '≤', value: 5 });
  }
  return rows.map((row) => ({ ...row, unit: 's', met: row.measured <= row.value }));
}

module.exports = { provisioningScale, provisioningTargets };

if (require.main === module) {
  const env = process.env;
  const tenants = Number(env.BENCH_PROVISION_TENANTS || 10_000);
  const skip = new Set((env.BENCH_SKIP || '').split(',').map((s) => s.trim()));
  const apiTenants = skip.has('provisioningApply') ? 0 : Number(env.BENCH_PROVISION_API_TENANTS || tenants);
  const started = Date.now();
  const log = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);
  process.on('exit', killAllServersSync);
  provisioningScale({ tenants, apiTenants, databaseUrl: env.DATABASE_URL || null, log }).then(
    (result) => {
      const targets = provisioningTargets(result);
      for (const t of targets) process.stdout.write(`${t.met ? 'met ' : 'MISS'}  ${t.label}: ${t.measured} ${t.op} ${t.value}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exitCode = targets.every((t) => t.met) ? 0 : 1;
    },
    (error) => {
      process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    },
  );
}
