'use strict';
// `npm run bench`: loopback-only, bounded benchmark of the token path (issue 5).
//
//   1. baselines on a quiet box: crypto ceiling (jose sign RS256/ES256/EdDSA on one
//      core, argon2id verify) and the peer (node-oidc-provider, client_credentials,
//      RS256 JWT access tokens) driven like our server;
//   2. our server (WORKERS=1) on a fresh embedded PostgreSQL, seeded through the API,
//      every scenario at fixed concurrency;
//   3. growth: a second server on its own database, seeded the same way, then bulk-loaded
//      (SQL) to 10,000 clients and users, 100k revoked access tokens, 10k revoked refresh
//      families; client_credentials and introspection alternate between the 10-client and
//      the big server (drift on the shared box cancels), with EXPLAIN of the hot queries;
//   4. WORKERS=2 (on the big database) alternating with WORKERS=1 for client_credentials;
//   5. batch revocation (issue 10) on the WORKERS=1 server after its scenarios: per size N, a
//      tenant of its own holding N live tokens issued through the API, one timed seed 003
//      POST /api/v2/identity/token/batch-revocation, its count checked against N;
//   6. table on stdout, everything in bench/results.json; exit 1 on any non-2xx/error or
//      a batch revocation count or check that is wrong.
//
// Knobs (environment): BENCH_QUICK=1 (~1 minute smoke run), BENCH_DURATION / BENCH_WARMUP
// (seconds per measured run / warm-up), BENCH_CONNECTIONS (16), BENCH_MAX_REQUESTS
// (per run), BENCH_CEILING_MS (per crypto loop), BENCH_GROWTH_CLIENTS (10000),
// BENCH_GROWTH_TOKENS (100000), BENCH_PAIR_DURATION / BENCH_PAIR_WARMUP / BENCH_PAIR_ROUNDS
// (alternating comparisons), BENCH_BATCH_SIZES (1000,100000; live tokens per batch revocation),
// BENCH_ONLY=ccRs256,ccResourceRoles,ccPrivateKeyJwt,ccDpop,userinfoDpop,introspection,password,passkeySignIn (main-phase scenarios; batchRevocation selects phase 5;
// tenantIssuers, or tenantDiscovery / tenantJwks, the tenant-issuer comparison 4b),
// BENCH_SMALL_TENANTS (11) / BENCH_GROWTH_TENANTS (10000) for 4b,
// BENCH_PROVISION_TENANTS (10000) / BENCH_PROVISION_API_TENANTS (10000) for 6b (provisioning: BENCH_ONLY=provisioning selects it,
// BENCH_SKIP=provisioning skips it, BENCH_SKIP=provisioningApply skips its tenant-idp apply part),
// BENCH_ONLY=nodes / BENCH_SKIP=nodes (4d: client_credentials RS256 and introspection on each of three nodes on one database),
// BENCH_SKIP=peer,growth,workers2,graphql,batch,tenants,logout (4e: endUserSessions of 100 sessions × 10 clients, BENCH_ONLY=sessionLogout;
// BENCH_LOGOUT_ROUNDS (3) rounds, the median reported),federation (4f: federated vs password sign-in, server CPU and latency without the upstream,
// BENCH_ONLY=federatedSignIn; BENCH_FEDERATED_SIGNINS (40) of each),pgbouncer (4a: refresh rotation through PgBouncer, needs refresh in BENCH_ONLY or no BENCH_ONLY),tracing
// (4c: client_credentials RS256 with OpenTelemetry on, BENCH_ONLY=tracing selects it), BENCH_CPU_PROF=<dir> (server under --cpu-prof),
// BENCH_PASSKEY_REQUESTS (3000; single-use passkey sign-ins prepared per run), BENCH_RESULTS=<path>, BENCH_KEEP_DATA=1, DATABASE_URL (use that PostgreSQL: a fresh
// database is created in it and dropped afterwards).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { execFileSync } = require('node:child_process');

const { fork } = require('node:child_process');
const { forkOidcProviderPeer } = require('./baselines/oidc-provider-peer');
const { startServer, killAllServersSync, embeddedDatabaseUrl, REPO } = require('./lib/server');
const { serverCpu, processCpu, machineCpu } = require('./lib/proc');
const { scrape, queriesPerRequest } = require('./lib/metrics');
const { runLoad, FORM } = require('./lib/load');
const { seedBase, makeContext, reconnectSeed, basic } = require('./lib/seed');
const { insertGrowthData, explainHotQueries, countRows, withDb } = require('./lib/growth');
const { resultsTable, targetsTable, table, fmt } = require('./lib/report');
const { batchRevocationRun } = require('./lib/batch');
const { insertTenants } = require('./lib/tenant-growth');
const { startOtlpSink } = require('./lib/otlp-sink');
const scenarios = require('./scenarios');
const { provisioningScale, provisioningTargets } = require('./provisioning-scale');

// ------------------------------------------------------------------ settings
const env = process.env;
const quick = env.BENCH_QUICK === '1';
const num = (name, fallback) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : fallback);
const settings = {
  quick,
  connections: num('BENCH_CONNECTIONS', 16),
  durationMs: Math.round(num('BENCH_DURATION', quick ? 3 : 8) * 1000),
  warmupMs: Math.round(num('BENCH_WARMUP', quick ? 1 : 2) * 1000),
  processWarmupMs: Math.round(num('BENCH_PROCESS_WARMUP', quick ? 3 : 5) * 1000),
  // paired (interleaved) comparisons: growth and WORKERS=2 against WORKERS=1
  pairRounds: num('BENCH_PAIR_ROUNDS', quick ? 1 : 2),
  pairWarmupMs: Math.round(num('BENCH_PAIR_WARMUP', quick ? 0.5 : 1) * 1000),
  pairDurationMs: Math.round(num('BENCH_PAIR_DURATION', quick ? 2 : 3.5) * 1000),
  maxRequests: num('BENCH_MAX_REQUESTS', 200_000),
  ceilingMs: num('BENCH_CEILING_MS', quick ? 1000 : 1200),
  growthClients: num('BENCH_GROWTH_CLIENTS', 10_000),
  growthTokens: num('BENCH_GROWTH_TOKENS', 100_000),
  growthFamilies: num('BENCH_GROWTH_FAMILIES', 10_000),
  growthUsers: num('BENCH_GROWTH_USERS', 10_000),
  // tenant issuers (issue 20): a tenant's discovery and JWKS with few tenants vs many
  smallTenants: num('BENCH_SMALL_TENANTS', 11),
  growthTenants: num('BENCH_GROWTH_TENANTS', 10_000),
  // provisioning at scale (issue 24)
  provisionTenants: num('BENCH_PROVISION_TENANTS', 10_000),
  provisionApiTenants: num('BENCH_PROVISION_API_TENANTS', 10_000),
  batchSizes: (env.BENCH_BATCH_SIZES || (quick ? '1000,10000' : '1000,100000'))
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0),
  only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((s) => s.trim()) : null,
  skip: new Set(
    (env.BENCH_SKIP || '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
  cpuProfDir: env.BENCH_CPU_PROF || null,
  resultsPath: path.resolve(env.BENCH_RESULTS || path.join(__dirname, 'results.json')),
  databaseUrl: env.DATABASE_URL || null,
};
const limits = { connections: settings.connections, durationMs: settings.durationMs, maxRequests: settings.maxRequests };

const started = Date.now();
const log = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);

// ------------------------------------------------------------------ cleanup
const cleanups = [];
let peerPid = null;
async function cleanupAll() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (err) {
      log(`cleanup: ${err.message}`);
    }
  }
}
process.on('exit', () => {
  killAllServersSync();
  if (peerPid) {
    try {
      process.kill(peerPid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    cleanupAll().finally(() => process.exit(code));
  });
}

// ------------------------------------------------------------------ helpers
function machineInfo() {
  const cpus = os.cpus();
  let commit = null;
  let dirty = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPO, encoding: 'utf8' }).trim().length > 0;
  } catch {
    // not a git checkout
  }
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    uvThreadpoolSize: Number(env.UV_THREADPOOL_SIZE) || 4,
    git: { commit, dirty },
  };
}

/**
 * measureCryptoCeiling() in a child process: run in this process, its argon2/jose
 * leftovers slowed the load generator (and so the first server runs) for seconds.
 */
function measureCeilingInChild(durationMs) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'lib', 'ceiling-child.js'), [String(durationMs)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const kill = () => child.kill('SIGKILL');
    cleanups.push(kill);
    let result = null;
    child.once('message', (m) => (result = m));
    child.once('error', reject);
    child.once('exit', (code) => {
      cleanups.splice(cleanups.indexOf(kill), 1);
      if (result) resolve(result);
      else reject(new Error(`crypto ceiling child exited with ${code}`));
    });
  });
}

const loadavg = () => os.loadavg().map((v) => Math.round(v * 100) / 100);
const decodeJwt = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

/** Warm-up run, then a measured run with the server's CPU and /metrics sampled around it. */
async function measure({
  label,
  workers,
  data,
  build,
  cpu,
  metricsUrl,
  route,
  freshProcess = false,
  warmMs = settings.warmupMs,
  runMs = settings.durationMs,
  startedAt = null,
}) {
  // a fresh process needs a few seconds of load before V8 has optimised the request path
  // (longer under node:cluster: each worker sees a share of the load and JIT-compiles on its own)
  const warm = await runLoad(await build(), {
    ...limits,
    durationMs: warmMs + (freshProcess ? settings.processWarmupMs * (1 + 0.5 * ((workers || 1) - 1)) : 0),
  });
  const opts = await build();
  const m0 = metricsUrl ? await scrape(metricsUrl) : null;
  const c0 = cpu();
  const k0 = machineCpu();
  const b0 = process.cpuUsage();
  const since = startedAt ? (Date.now() - startedAt) / 1000 : null; // for --cpu-prof windows
  const r = await runLoad(opts, { ...limits, durationMs: runMs });
  const b1 = process.cpuUsage(b0);
  const k1 = machineCpu();
  const c1 = cpu();
  const m1 = metricsUrl ? await scrape(metricsUrl) : null;
  const wallUs = r.wallMs * 1000;
  const serverUs = c1.nodeUs - c0.nodeUs;
  const pgUs = c0.pgPids?.length ? c1.pgUs - c0.pgUs : 0;
  // a proxy between the server and its PostgreSQL (4a: PgBouncer), when the side has one
  const proxyUs = c0.proxyUs !== undefined ? c1.proxyUs - c0.proxyUs : 0;
  const benchUs = b1.user + b1.system;
  const machineBusyUs = k1.busyUs - k0.busyUs;
  const q = m0 && m1 ? queriesPerRequest(m0, m1, route) : null;
  const row = {
    scenario: label,
    workers,
    data,
    route,
    rps: r.rps,
    requests: r.requests,
    wallMs: Math.round(r.wallMs),
    latencyMs: r.latencyMs,
    non2xx: r.non2xx + warm.non2xx,
    errors: r.errors + r.timeouts + warm.errors + warm.timeouts,
    mismatches: r.mismatches + warm.mismatches,
    statusCodes: r.statusCodes,
    failureSamples: [...warm.failureSamples, ...r.failureSamples].slice(0, 3),
    serverCpuUsPerRequest: r.requests ? (c1.nodeUs - c0.nodeUs) / r.requests : null,
    pgCpuUsPerRequest: c0.pgUs !== undefined && c0.pgPids?.length ? (c1.pgUs - c0.pgUs) / r.requests : null,
    ...(c0.proxyUs !== undefined ? { proxyCpuUsPerRequest: r.requests ? proxyUs / r.requests : null } : {}),
    // where the machine's 2 cores went during the run, in cores busy: server, its PostgreSQL,
    // the load generator (this process), and everything else on the shared box
    cores: {
      server: serverUs / wallUs,
      postgres: pgUs / wallUs,
      loadGenerator: benchUs / wallUs,
      ...(c0.proxyUs !== undefined ? { proxy: proxyUs / wallUs } : {}),
      other: Math.max(0, (machineBusyUs - serverUs - pgUs - proxyUs - benchUs) / wallUs),
      steal: (k1.stealUs - k0.stealUs) / wallUs,
      idle: (k1.idleUs - k0.idleUs) / wallUs,
    },
    ...(since !== null ? { serverUptimeWindowS: [Math.round(since * 10) / 10, Math.round((since + r.wallMs / 1000) * 10) / 10] } : {}),
    dbQueriesPerRequest: q ? q.perRequest : null,
    dbQueriesNote: null,
    metricsWindow: q,
    loadGeneratorCpuUsPerRequest: r.loadGeneratorCpuUsPerRequest,
    warmup: { requests: warm.requests, rps: warm.rps },
  };
  const bad = row.non2xx + row.errors + row.mismatches;
  log(
    `${label} [W${workers ?? '-'}${data ? `, ${data}` : ''}]: ${fmt(row.rps)} req/s, p50 ${row.latencyMs.p50?.toFixed(2)} ms, p99 ${row.latencyMs.p99?.toFixed(2)} ms, ` +
      `server ${fmt(row.serverCpuUsPerRequest)} µs/req${q ? `, ${q.perRequest.toFixed(2)} queries/req` : ''}, ` +
      `${row.proxyCpuUsPerRequest !== undefined ? `proxy ${fmt(row.proxyCpuUsPerRequest)} µs/req, ` : ''}` +
      `cores: server ${row.cores.server.toFixed(2)} pg ${row.cores.postgres.toFixed(2)}${row.cores.proxy !== undefined ? ` proxy ${row.cores.proxy.toFixed(2)}` : ''} bench ${row.cores.loadGenerator.toFixed(2)} other ${row.cores.other.toFixed(2)} idle ${row.cores.idle.toFixed(2)}${bad ? `, ${bad} FAILURES ${JSON.stringify(row.failureSamples)}` : ''}`,
  );
  return row;
}

function scenarioRunner(server, ctx, seeded) {
  return async (scenario, data, options = {}) => {
    if (scenario.seed && !seeded.has(scenario.name)) {
      seeded.add(scenario.name);
      await scenario.seed(ctx);
    }
    const freshProcess = !server.warmed;
    server.warmed = true;
    const row = await measure({
      ...options,
      freshProcess,
      startedAt: server.startedAt,
      label: scenario.name,
      workers: server.workers,
      data,
      route: scenario.route,
      // a side may count more than its own process tree (4a: the PostgreSQL of S and PgBouncer)
      cpu: server.cpu ?? (() => serverCpu(server.pid)),
      // with WORKERS>1 the primary aggregates every worker's registry (src/ops/cluster-metrics.ts)
      metricsUrl: server.url,
      build: async () => {
        const o = await scenario.setup(ctx);
        return { ...o, url: server.url + o.path };
      },
    });
    row.key = scenarioKey(scenario);
    return row;
  };
}

/** Several runs of one scenario on one server folded into one row (totals over the runs; latency: median of the runs). */
function foldRuns(runs, data) {
  const sum = (f) => runs.reduce((acc, r) => acc + (f(r) || 0), 0);
  const median = (f) => {
    const v = runs
      .map(f)
      .filter((x) => x !== null && x !== undefined)
      .sort((a, b) => a - b);
    return v.length ? v[Math.floor(v.length / 2)] : null;
  };
  const requests = sum((r) => r.requests);
  const wallMs = sum((r) => r.wallMs);
  const weighted = (f) => (requests ? sum((r) => (f(r) ?? 0) * r.requests) / requests : null);
  const first = runs[0];
  return {
    ...first,
    data,
    paired: true,
    runs: runs.map((r) => ({
      rps: r.rps,
      requests: r.requests,
      serverCpuUsPerRequest: r.serverCpuUsPerRequest,
      cores: r.cores,
      latencyMs: r.latencyMs,
    })),
    rps: requests / (wallMs / 1000),
    requests,
    wallMs,
    latencyMs: { p50: median((r) => r.latencyMs.p50), p99: median((r) => r.latencyMs.p99) },
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    mismatches: sum((r) => r.mismatches),
    failureSamples: runs.flatMap((r) => r.failureSamples).slice(0, 3),
    serverCpuUsPerRequest: weighted((r) => r.serverCpuUsPerRequest),
    pgCpuUsPerRequest: first.pgCpuUsPerRequest === null ? null : weighted((r) => r.pgCpuUsPerRequest),
    ...(first.proxyCpuUsPerRequest !== undefined ? { proxyCpuUsPerRequest: weighted((r) => r.proxyCpuUsPerRequest) } : {}),
    dbQueriesPerRequest: first.dbQueriesPerRequest === null ? null : weighted((r) => r.dbQueriesPerRequest),
    cores: Object.fromEntries(Object.keys(first.cores).map((k) => [k, sum((r) => r.cores[k] * r.wallMs) / wallMs])),
  };
}

/**
 * A/B comparison robust to drift on a shared machine: both servers stay up and the
 * scenario alternates between them (A B B A ...), short warm-up before every run.
 */
async function pairedRuns(scenario, a, b) {
  const runs = { a: [], b: [] };
  const rounds = settings.pairRounds;
  for (let i = 0; i < rounds * 2; i++) {
    const side = i % 4 === 0 || i % 4 === 3 ? 'a' : 'b'; // A B B A A B B A ...
    const p = side === 'a' ? a : b;
    // each side's first run of this scenario warms its code path fully, later ones only briefly; on a
    // server new to the scenario (but not to load), its path gets the fresh-process warm-up as well
    let warmMs = runs[side].length === 0 ? settings.warmupMs : settings.pairWarmupMs;
    if (runs[side].length === 0 && p.server?.warmed && !(p.server.seen ||= new Set()).has(scenario.name)) {
      warmMs += settings.processWarmupMs * 0.6; // the shared request path is already optimised
    }
    if (p.server) (p.server.seen ||= new Set()).add(scenario.name);
    runs[side].push(await p.run(scenario, p.label, { warmMs, runMs: settings.pairDurationMs }));
  }
  return [foldRuns(runs.a, a.label), foldRuns(runs.b, b.label)];
}

const scenarioKey = (s) => Object.keys(scenarios).find((k) => scenarios[k] === s);

// ------------------------------------------------------------------ ratios and targets
function annotate(rows, ceiling, peerRow) {
  const find = (key, workers, data) => rows.find((r) => r.key === key && r.workers === workers && r.data === data) || null;
  const ratio = (row, value, of, target) => {
    const met = target ? (target.op === '≥' ? value >= target.value : value <= target.value) : null;
    (row.ratios ||= []).push({ value, of, target: target || null, met });
  };
  const targets = [];
  const addTarget = (label, measured, op, value, unit) =>
    targets.push({ label, measured, op, value, unit, met: measured === null ? null : op === '≥' ? measured >= value : measured <= value });
  const argonRate = Math.max(ceiling.argon2.verifySequentialPerSec, ceiling.argon2.verifyConcurrent2PerSec);
  const SMALL_P = `${DATA_SMALL} (paired)`;
  const BIG_P = `${DATA_BIG} (paired)`;

  // GraphQL rows run on the same server with more data in their own tenant: compared with the primary RS256 row.
  const rsPrimary = find('ccRs256', 1, DATA_SMALL);
  const GRAPHQL_TARGETS = { graphqlClients: 1.0, graphqlDashboard: 0.25 };
  for (const row of rows) {
    if (!row.key) continue;
    const s = scenarios[row.key];
    if (GRAPHQL_TARGETS[row.key] && rsPrimary && row.workers === 1)
      ratio(row, row.rps / rsPrimary.rps, 'cc RS256', { op: '≥', value: GRAPHQL_TARGETS[row.key] });
    const primary = row.workers === 1 && row.data === DATA_SMALL;
    if (s.ceiling && ceiling.sign[s.ceiling]) {
      const per = ceiling.sign[s.ceiling].opsPerSec / (s.signaturesPerRequest || 1);
      ratio(
        row,
        row.rps / per,
        `${s.ceiling} sign ceiling${s.signaturesPerRequest ? ` ÷${s.signaturesPerRequest}` : ''}`,
        row.key === 'ccRs256' && primary ? { op: '≥', value: 0.8 } : null,
      );
    }
    if (s.ceiling === 'argon2') ratio(row, row.rps / argonRate, 'argon2id verify rate', primary ? { op: '≥', value: 0.9 } : null);
    if (s.compareToPeer && peerRow && !row.paired)
      ratio(row, row.rps / peerRow.rps, 'oidc-provider', primary ? { op: '≥', value: 1.0 } : null);
    if ((row.key === 'ccRs256' || row.key === 'ccEs256') && row.serverCpuUsPerRequest) {
      const alg = row.key === 'ccRs256' ? 'RS256' : 'ES256';
      ratio(
        row,
        row.serverCpuUsPerRequest / ceiling.sign[alg].cpuUsPerOp,
        `CPU of one ${alg} sign`,
        primary ? { op: '≤', value: 1.25 } : null,
      );
    }
    const rsSame = find('ccRs256', row.workers, row.data);
    if (row.key === 'ccEs256' && rsSame) ratio(row, row.rps / rsSame.rps, 'cc RS256', primary ? { op: '≥', value: 2.5 } : null);
    if ((row.key === 'introspection' || row.key === 'userinfo' || row.key === 'api') && rsSame)
      ratio(row, row.rps / rsSame.rps, 'cc RS256', primary ? { op: '≥', value: 3 } : null);
    if (row.key === 'ccResourceRoles' && rsSame) ratio(row, row.rps / rsSame.rps, 'cc RS256', primary ? { op: '≥', value: 0.95 } : null);
    // private_key_jwt against client_secret_basic: an assertion to verify and one replay claim per request.
    if (row.key === 'ccPrivateKeyJwt' && rsSame)
      ratio(row, row.rps / rsSame.rps, 'cc RS256 (client_secret_basic)', primary ? { op: '≥', value: 0.6 } : null);
    if (row.key === 'ccDpop' && rsSame) ratio(row, row.rps / rsSame.rps, 'cc RS256', primary ? { op: '≥', value: 0.6 } : null);
    if (row.key === 'userinfoDpop' && rsSame) ratio(row, row.rps / rsSame.rps, 'cc RS256', primary ? { op: '≥', value: 2 } : null);
    if (row.key === 'clientLogin' && rsSame) ratio(row, row.rps / rsSame.rps, 'cc RS256', primary ? { op: '≥', value: 0.95 } : null);
    if (row.key === 'deviceRefresh' && rsSame)
      ratio(row, row.rps / (rsSame.rps / 2), '½ cc RS256', primary ? { op: '≥', value: 0.9 } : null);
    if (row.workers === 2 && row.paired) {
      const one = find(row.key, 1, 'paired with WORKERS=2');
      if (one) ratio(row, row.rps / one.rps, 'WORKERS=1 (paired)', { op: '≥', value: 1.6 });
    }
    if (row.data === BIG_P) {
      const small = find(row.key, 1, SMALL_P);
      if (small) ratio(row, row.rps / small.rps, `${DATA_SMALL} (paired)`, { op: '≥', value: 0.9 });
    }
  }

  const rs1 = find('ccRs256', 1, DATA_SMALL);
  const es1 = find('ccEs256', 1, DATA_SMALL);
  const pw1 = find('password', 1, DATA_SMALL);
  const in1 = find('introspection', 1, DATA_SMALL);
  const ui1 = find('userinfo', 1, DATA_SMALL);
  const cl1 = find('clientLogin', 1, DATA_SMALL);
  const api1 = find('api', 1, DATA_SMALL);
  const dr1 = find('deviceRefresh', 1, DATA_SMALL);
  const dp1 = find('ccDpop', 1, DATA_SMALL);
  const udp1 = find('userinfoDpop', 1, DATA_SMALL);
  const v = (a, b) => (a && b ? a / b : null);
  const pair = (key, numWorkers, numData, denWorkers, denData) =>
    v(find(key, numWorkers, numData)?.rps, find(key, denWorkers, denData)?.rps);
  addTarget('client_credentials RS256, WORKERS=1 ÷ one-core RS256 signing ceiling', v(rs1?.rps, ceiling.sign.RS256.opsPerSec), '≥', 0.8);
  addTarget('client_credentials RS256, WORKERS=1 ÷ node-oidc-provider', v(rs1?.rps, peerRow?.rps), '≥', 1.0);
  addTarget('client_credentials ES256 ÷ RS256 (WORKERS=1)', v(es1?.rps, rs1?.rps), '≥', 2.5);
  addTarget('password grant ÷ raw argon2id verify rate', v(pw1?.rps, argonRate), '≥', 0.9);
  // Issue 22: a passkey sign-in verifies one ES256 assertion, no argon2.
  const pks1 = find('passkeySignIn', 1, DATA_SMALL);
  addTarget('passkey sign-in ÷ password grant', v(pks1?.rps, pw1?.rps), '≥', 10);
  addTarget(
    'client_credentials RS256, WORKERS=2 ÷ WORKERS=1 (paired runs)',
    pair('ccRs256', 2, 'paired with WORKERS=1', 1, 'paired with WORKERS=2'),
    '≥',
    1.6,
  );
  addTarget(
    'client_credentials ES256, WORKERS=2 ÷ WORKERS=1 (paired runs)',
    pair('ccEs256', 2, 'paired with WORKERS=1', 1, 'paired with WORKERS=2'),
    '≥',
    1.6,
  );
  addTarget('introspection ÷ client_credentials RS256', v(in1?.rps, rs1?.rps), '≥', 3);
  addTarget('userinfo ÷ client_credentials RS256', v(ui1?.rps, rs1?.rps), '≥', 3);
  addTarget('seed 000 /client/login ÷ client_credentials RS256', v(cl1?.rps, rs1?.rps), '≥', 0.95);
  const rr1 = find('ccResourceRoles', 1, DATA_SMALL);
  addTarget('client_credentials with resource and roles ÷ client_credentials RS256', v(rr1?.rps, rs1?.rps), '≥', 0.95);
  addTarget('client_credentials with resource and roles: DB queries per request', rr1 ? rr1.dbQueriesPerRequest : null, '≤', 0);
  addTarget('seed 001 /api ÷ client_credentials RS256', v(api1?.rps, rs1?.rps), '≥', 3);
  // RFC 9449: a proof's signature check and its jti insert (the replay guard's one query) per request.
  const pk1 = find('ccPrivateKeyJwt', 1, DATA_SMALL);
  addTarget('client_credentials private_key_jwt ÷ client_credentials RS256 (client_secret_basic)', v(pk1?.rps, rs1?.rps), '≥', 0.6);
  addTarget('client_credentials DPoP ÷ client_credentials RS256', v(dp1?.rps, rs1?.rps), '≥', 0.6);
  addTarget('userinfo DPoP ÷ client_credentials RS256', v(udp1?.rps, rs1?.rps), '≥', 2);
  // Issue 24: the proxy costs its hop and unnamed statements, no more.
  const viaBouncer = find('refresh', 1, `${DATA_SMALL} via PgBouncer (paired)`);
  if (viaBouncer)
    addTarget(
      'refresh rotation via PgBouncer (transaction pooling) ÷ direct',
      v(viaBouncer.rps, find('refresh', 1, SMALL_P)?.rps),
      '≥',
      0.8,
    );
  // Issue 24: OpenTelemetry on (every request sampled, exported over OTLP/HTTP) costs the token path at most a fifth.
  const tracingOn = find('ccRs256', 1, TRACING_ON);
  if (tracingOn)
    addTarget(
      'client_credentials RS256 with tracing on (local OTLP receiver) ÷ off (paired runs)',
      v(tracingOn.rps, find('ccRs256', 1, TRACING_OFF)?.rps),
      '≥',
      0.8,
    );
  addTarget('device refresh (two signatures) ÷ half the client_credentials RS256 rate', v(dr1?.rps, rs1?.rps && rs1.rps / 2), '≥', 0.9);
  for (const [key, target] of Object.entries(GRAPHQL_TARGETS)) {
    const row = rows.find((r) => r.key === key && r.workers === 1);
    addTarget(`${scenarios[key].name} ÷ client_credentials RS256`, v(row?.rps, rs1?.rps), '≥', target);
  }
  addTarget(
    'server CPU per client_credentials RS256 request ÷ CPU of one RS256 jose signature',
    v(rs1?.serverCpuUsPerRequest, ceiling.sign.RS256.cpuUsPerOp),
    '≤',
    1.25,
  );
  addTarget(
    'server CPU per client_credentials ES256 request ÷ CPU of one ES256 jose signature',
    v(es1?.serverCpuUsPerRequest, ceiling.sign.ES256.cpuUsPerOp),
    '≤',
    1.25,
  );
  addTarget(`growth: client_credentials RS256, ${DATA_BIG} ÷ ${DATA_SMALL} (paired runs)`, pair('ccRs256', 1, BIG_P, 1, SMALL_P), '≥', 0.9);
  addTarget(`growth: introspection, ${DATA_BIG} ÷ ${DATA_SMALL} (paired runs)`, pair('introspection', 1, BIG_P, 1, SMALL_P), '≥', 0.9);
  const failures = rows.reduce((acc, r) => acc + (r.non2xx || 0) + (r.errors || 0) + (r.mismatches || 0), 0);
  addTarget('non-2xx / errors / wrong bodies, all runs', failures, '≤', 0, '');
  return targets;
}

function batchTable(rows) {
  return table(
    [
      'batch revocation',
      'N',
      'live tokens issued (cc + user access + refresh + admin)',
      'issued at',
      'counter rows',
      'flush wait ms',
      'count',
      'exact?',
      'call ms',
      'sample active before/after',
      'other tenants active',
    ],
    rows.map((r) => [
      r.tenantPath,
      fmt(r.size),
      `${fmt(r.liveTokens)} (${fmt(r.tokens.clientCredentials)} + ${r.tokens.userAccess} + ${r.tokens.refresh} + ${r.tokens.adminBearer})`,
      `${fmt(r.issuance.perSec)}/s`,
      fmt(r.issuanceBuckets),
      fmt(r.flushWaitMs),
      r.count === null ? '—' : fmt(r.count),
      r.exact ? 'yes' : 'NO',
      r.ms.toFixed(1),
      `${r.sample.activeBefore}/${r.sample.activeAfter} of ${r.sample.tokens}`,
      `${r.otherTenants.activeAfter} of ${r.otherTenants.tokens.length}`,
    ]),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'r'],
  );
}

let DATA_SMALL = '10 clients';
let DATA_BIG = '10k clients, 100k revoked';
const TRACING_OFF = 'tracing off (paired)';
const TRACING_ON = 'tracing on, local OTLP receiver (paired)';

// ------------------------------------------------------------------ main
async function main() {
  const results = {
    startedAt: new Date().toISOString(),
    settings: { ...settings, skip: [...settings.skip] },
    machine: { ...machineInfo(), loadavgBefore: loadavg() },
    baselines: {},
    rows: [],
    growth: null,
    batchRevocation: null,
    notes: [],
  };
  DATA_BIG = `${fmt(settings.growthClients)} clients, ${fmt(settings.growthTokens)} revoked`;
  log(
    `settings: ${settings.connections} connections, ${settings.warmupMs / 1000}s warm-up (+${settings.processWarmupMs / 1000}s on a fresh process) + ${settings.durationMs / 1000}s per run, ≤${settings.maxRequests} requests per run; loadavg ${results.machine.loadavgBefore.join(' ')}`,
  );
  if (results.machine.loadavgBefore[0] > 0.7)
    log(`note: 1-minute load average ${results.machine.loadavgBefore[0]} — the machine is shared; numbers may be depressed`);

  // 1. crypto ceiling
  log(`crypto ceiling (${settings.ceilingMs} ms per loop)...`);
  const ceiling = await measureCeilingInChild(settings.ceilingMs);
  results.baselines.crypto = ceiling;
  log(
    `ceiling: RS256 ${fmt(ceiling.sign.RS256.opsPerSec)}/s (${fmt(ceiling.sign.RS256.cpuUsPerOp)} µs CPU), ES256 ${fmt(ceiling.sign.ES256.opsPerSec)}/s (${fmt(ceiling.sign.ES256.cpuUsPerOp)} µs), ` +
      `EdDSA ${fmt(ceiling.sign.EdDSA.opsPerSec)}/s, argon2id verify ${fmt(ceiling.argon2.verifySequentialPerSec, 1)}/s (2 in flight: ${fmt(ceiling.argon2.verifyConcurrent2PerSec, 1)}/s)`,
  );

  // 2. peer
  let peerRow = null;
  if (!settings.skip.has('peer')) {
    log('peer: node-oidc-provider (in-memory adapter, RS256 JWT access tokens)...');
    const peer = await forkOidcProviderPeer();
    peerPid = peer.pid;
    const closePeer = () => peer.close();
    cleanups.push(closePeer);
    const auth = basic({ clientId: peer.clientId, secret: peer.clientSecret });
    peerRow = await measure({
      freshProcess: true,
      warmMs: Math.max(0, settings.warmupMs - settings.processWarmupMs * 0.4), // node-oidc-provider's token path is shorter to warm up
      label: 'peer: oidc-provider client_credentials RS256',
      workers: 1,
      data: 'in-memory',
      route: null,
      cpu: () => ({ nodeUs: processCpu(peer.pid) }),
      metricsUrl: null,
      build: () => ({
        method: 'POST',
        url: peer.url + peer.tokenPath,
        headers: { authorization: auth, 'content-type': FORM },
        body: 'grant_type=client_credentials&scope=read',
        verify: (status, body) => body.includes('"access_token"'),
      }),
    });
    peerRow.dbQueriesNote = '—';
    results.baselines.peer = peerRow;
    cleanups.splice(cleanups.indexOf(closePeer), 1);
    await peer.close();
    peerPid = null;
  }

  // 3. our server, WORKERS=1 ("S": 10 clients)
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'idp-bench-'));
  fs.chmodSync(root, 0o755); // embedded PostgreSQL runs as the postgres user when we are root
  if (!env.BENCH_KEEP_DATA) cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
  /** A fresh database for one server: a DATA_DIR of its own (embedded PostgreSQL) or a new database in DATABASE_URL. */
  const freshDatabase = async (name) => {
    const dataDir = path.join(root, name);
    fs.mkdirSync(dataDir, { mode: 0o755 });
    if (!settings.databaseUrl) return { dataDir, databaseUrl: null };
    const db = `idp_bench_${name}_${randomBytes(4).toString('hex')}`;
    await withDb(settings.databaseUrl, (c) => c.query(`create database ${db}`));
    cleanups.push(() => withDb(settings.databaseUrl, (c) => c.query(`drop database if exists ${db} with (force)`)));
    const u = new URL(settings.databaseUrl);
    u.pathname = `/${db}`;
    return { dataDir, databaseUrl: u.toString() };
  };
  const common = {
    secretKey: randomBytes(32).toString('base64'),
    adminSecret: `bench-admin-${randomBytes(12).toString('hex')}`,
    nodeArgs: settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [],
  };
  const start = async (db, workers) => {
    const startedAt = Date.now();
    const server = await startServer({ ...common, ...db, workers });
    server.startedAt = startedAt;
    server.cleanup = () => server.stop();
    cleanups.push(server.cleanup);
    log(
      `server WORKERS=${workers} ready on ${server.url} in ${(server.startMs / 1000).toFixed(1)} s (pid ${server.pid}${db.databaseUrl ? ', DATABASE_URL' : ', embedded PostgreSQL'})`,
    );
    return server;
  };
  const stop = async (server) => {
    cleanups.splice(cleanups.indexOf(server.cleanup), 1);
    await server.stop();
    log(`server WORKERS=${server.workers} stopped`);
  };
  const pgUrlOf = (db) => db.databaseUrl || embeddedDatabaseUrl(db.dataDir);

  const dbS = await freshDatabase('s');
  const serverS = await start(dbS, 1);
  const seedS = await seedBase(serverS.url, common.adminSecret);
  const ctxS = makeContext(serverS.url, seedS, settings.connections);
  const countsS = await countRows(pgUrlOf(dbS));
  DATA_SMALL = `${countsS.clients} clients`;
  log(`seeded through the API: tenants /bench-rs (RS256), /bench-es (ES256); ${countsS.clients} clients, ${countsS.users} users`);
  const runS = scenarioRunner(serverS, ctxS, new Set());
  const S = { run: runS, label: `${DATA_SMALL} (paired)` };
  const main = [
    'ccRs256',
    'ccResourceRoles',
    'ccPrivateKeyJwt',
    'clientLogin',
    'ccEs256',
    'password',
    'refresh',
    'introspection',
    'userinfo',
    'api',
    'deviceRefresh',
    'tokenExchange',
    'deviceAuthorization',
    'ccDpop',
    'userinfoDpop',
    'passkeySignIn',
  ].filter((k) => !settings.only || settings.only.includes(k));
  for (const key of main) results.rows.push(await runS(scenarios[key], DATA_SMALL));

  // 4. growth: a second server ("G") on its own database, seeded the same way through the API,
  //    then bulk-loaded; runs alternate between S and G so drift on the shared box cancels out
  const dbG = await freshDatabase('g');
  let serverG = null;
  if (!settings.skip.has('growth') || !settings.skip.has('workers2')) {
    serverG = await start(dbG, 1);
  }
  let seedG = null;
  if (serverG) {
    seedG = await seedBase(serverG.url, common.adminSecret);
  }
  if (!settings.skip.has('growth')) {
    const pgUrl = pgUrlOf(dbG);
    const ctxG = makeContext(serverG.url, seedG, settings.connections);
    log(
      `growth: bulk-inserting with SQL (pg) directly into the second server's database, not through the API: clients and users up to ${fmt(settings.growthClients)} and ${fmt(settings.growthUsers)}, ${fmt(settings.growthTokens)} revoked access tokens, ${fmt(settings.growthFamilies)} revoked refresh families ×5 rotated refresh tokens...`,
    );
    const userTokens = await require('./scenarios/_user-tokens')(ctxG);
    const counts0 = await countRows(pgUrl);
    const inserted = await insertGrowthData(pgUrl, {
      secretKey: common.secretKey,
      tenantIds: [seedG.tenants.rs.id, seedG.tenants.es.id],
      userIds: seedG.users.map((u) => u.id),
      totalClients: settings.growthClients,
      totalUsers: settings.growthUsers,
      revokedTokens: settings.growthTokens,
      revokedFamilies: settings.growthFamilies,
    });
    // a bulk-inserted client authenticates like any other: the rows are real
    const probe = await ctxG.token(inserted.sampleClient, { grant_type: 'client_credentials', scope: 'read' });
    const counts1 = await countRows(pgUrl);
    log(
      `growth data in ${(inserted.ms / 1000).toFixed(1)} s (ANALYZEd): ${JSON.stringify(counts1)}; bulk client ${inserted.sampleClient.clientId} gets a token: ${Boolean(probe.access_token)}`,
    );
    const claims = decodeJwt(userTokens[0]);
    const explain = await explainHotQueries(pgUrl, {
      clientId: seedG.clients.ccRs[0].clientId,
      jti: claims.jti,
      familyId: claims.sid ?? null,
      userId: claims.sub,
    });
    for (const e of explain) log(`EXPLAIN ${e.label}${e.seqScan ? ' — SEQ SCAN' : ''}:\n    ${e.plan.join('\n    ')}`);
    results.growth = {
      method:
        'bulk SQL insert with pg directly into the server database (not through the API), then ANALYZE; compared with a 10-client server in alternating runs',
      countsBefore: counts0,
      countsAfter: counts1,
      inserted: { ...inserted, sampleClient: inserted.sampleClient.clientId, sampleClientTokenIssued: Boolean(probe.access_token) },
      explain,
    };
    const G = { run: scenarioRunner(serverG, ctxG, new Set()), label: `${DATA_BIG} (paired)`, server: serverG };
    for (const key of ['ccRs256', 'introspection'].filter((k) => main.includes(k)))
      results.rows.push(...(await pairedRuns(scenarios[key], S, G)));
  }

  // 4e. ending sessions (issue 23): endUserSessions of 100 sessions × 10 clients on S, timed as the
  //     admin sees it, and the 1,000 back-channel logout tokens it owes counted at a receiver here
  if (!settings.skip.has('logout') && (!settings.only || settings.only.includes('sessionLogout'))) {
    const { measureSessionLogout } = require('./lib/session-logout');
    results.sessionLogout = await measureSessionLogout({ sdk: seedS.sdk, pgUrl: pgUrlOf(dbS), log });
  }

  // 4f. federated sign-in (issue 23): the server's own work (CPU and latency, the upstream excluded) for a sign-in
  //     through an upstream OpenID Provider (a minimal one in this process) against a password sign-in, on S
  if (!settings.skip.has('federation') && (!settings.only || settings.only.includes('federatedSignIn'))) {
    const { measureFederatedSignIn } = require('./lib/federated-sign-in');
    results.federatedSignIn = await measureFederatedSignIn({ baseUrl: serverS.url, sdk: seedS.sdk, serverPid: serverS.pid, log });
  }

  // 4a. PgBouncer (issue 24): a server "B" on S's database through Debian's PgBouncer 1.18 in
  //     transaction pooling mode (DATABASE_URL on the proxy, DATABASE_DIRECT_URL for LISTEN and
  //     migrations); refresh rotation, the row with the most writes per request, alternating with S
  if (!settings.skip.has('pgbouncer') && main.includes('refresh')) {
    const { startPgBouncer } = require('../tests/support/pgbouncer.cjs');
    const direct = pgUrlOf(dbS);
    const bouncer = await startPgBouncer(direct);
    cleanups.push(() => bouncer.stop());
    log(`PgBouncer (transaction pooling) on ${bouncer.url.replace(/\/\/[^@]*@/, '//')}`);
    const dirB = path.join(root, 'b');
    fs.mkdirSync(dirB, { mode: 0o755 });
    const serverB = await start({ dataDir: dirB, databaseUrl: bouncer.url, databaseDirectUrl: direct }, 1);
    // B's PostgreSQL is S's (embedded: a child of S), and PgBouncer sits between them: both counted on B's rows
    serverB.cpu = () => {
      const own = serverCpu(serverB.pid);
      const database = serverCpu(serverS.pid);
      return { ...own, pgUs: database.pgUs, pgPids: database.pgPids, proxyUs: processCpu(bouncer.process.pid) };
    };
    const B = {
      run: scenarioRunner(serverB, makeContext(serverB.url, seedS, settings.connections), new Set()),
      label: `${DATA_SMALL} via PgBouncer (paired)`,
      server: serverB,
    };
    results.rows.push(...(await pairedRuns(scenarios.refresh, { ...S, server: serverS }, B)));
    await stop(serverB);
  }

  // 4c. OpenTelemetry (issue 24): a server "O" on S's database with OTEL_EXPORTER_OTLP_ENDPOINT set (every
  //     request sampled; spans and metrics exported over OTLP/HTTP JSON to a sink in this process that only
  //     answers 200); client_credentials RS256 alternating with S, whose tracing is off
  if (!settings.skip.has('tracing') && (!settings.only || settings.only.includes('tracing'))) {
    const sink = await startOtlpSink();
    cleanups.push(() => sink.close());
    const dirO = path.join(root, 'o');
    fs.mkdirSync(dirO, { mode: 0o755 });
    const serverO = await start(
      { dataDir: dirO, databaseUrl: pgUrlOf(dbS), env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'tenant-idp-bench' } },
      1,
    );
    const O = {
      run: scenarioRunner(serverO, makeContext(serverO.url, seedS, settings.connections), new Set()),
      label: TRACING_ON,
      server: serverO,
    };
    results.rows.push(...(await pairedRuns(scenarios.ccRs256, { run: runS, label: TRACING_OFF, server: serverS }, O)));
    await stop(serverO); // flushes its last spans
    results.tracing = { ...sink.stats };
    log(`tracing: the OTLP sink received ${sink.stats.exports} exports, ${fmt(sink.stats.spans)} spans, ${fmt(sink.stats.bytes)} bytes`);
  }

  // 4d. several nodes (issue 24): two more servers, WORKERS=1 each, on S's database with S's SECRET_KEY and
  //     ISSUER (three nodes of one deployment); client_credentials RS256 and introspection against each node
  //     in turn. On this machine a node is one process on a shared core: the rows are throughput per node
  //     (per core), not what three nodes on three machines would add up to.
  if (!settings.skip.has('nodes') && (!settings.only || settings.only.includes('nodes'))) {
    const issuer = `http://localhost:${serverS.port}`; // S's own (no ISSUER set: the default)
    const nodes = [{ server: serverS, run: runS }];
    for (const name of ['n2', 'n3']) {
      const dataDir = path.join(root, name);
      fs.mkdirSync(dataDir, { mode: 0o755 });
      const server = await start({ dataDir, databaseUrl: pgUrlOf(dbS), env: { ISSUER: issuer } }, 1);
      nodes.push({ server, run: scenarioRunner(server, makeContext(server.url, seedS, settings.connections), new Set()) });
    }
    for (const key of ['ccRs256', 'introspection']) {
      for (const [i, node] of nodes.entries()) results.rows.push(await node.run(scenarios[key], `${DATA_SMALL}, node ${i + 1} of 3`));
    }
    for (const node of nodes.slice(1)) await stop(node.server);
  }

  // 4b. tenant issuers (issue 20): one tenant's discovery document and JWKS on S topped up to
  //     BENCH_SMALL_TENANTS tenants and on a server "T" of its own topped up (SQL) to
  //     BENCH_GROWTH_TENANTS tenants, each bulk tenant with a signing key; alternating runs,
  //     and the tenant's JWKS size at both (it must not grow with the number of tenants)
  const tenantKeys = ['tenantDiscovery', 'tenantJwks'].filter(
    (k) => !settings.only || settings.only.includes(k) || settings.only.includes('tenantIssuers'),
  );
  if (!settings.skip.has('tenants') && tenantKeys.length > 0) {
    const dbT = await freshDatabase('t');
    const serverT = await start(dbT, 1);
    const seedT = await seedBase(serverT.url, common.adminSecret);
    const ctxT = makeContext(serverT.url, seedT, settings.connections);
    const small = await insertTenants(pgUrlOf(dbS), { total: settings.smallTenants });
    const big = await insertTenants(pgUrlOf(dbT), { total: settings.growthTenants });
    log(
      `tenant issuers: S has ${small.tenants} tenants, T ${fmt(big.tenants)} tenants (${fmt(big.added)} bulk-inserted with a signing key each in ${(big.ms / 1000).toFixed(1)} s)`,
    );
    const few = { run: runS, label: `${small.tenants} tenants (paired)`, server: serverS };
    const many = { run: scenarioRunner(serverT, ctxT, new Set()), label: `${fmt(big.tenants)} tenants (paired)`, server: serverT };
    const jwksBytes = async (url) => Buffer.byteLength(await (await fetch(`${url}/t/bench-rs/.well-known/jwks.json`)).text());
    const summary = {
      tenants: { few: small.tenants, many: big.tenants },
      signingKeys: { few: small.signing_keys, many: big.signing_keys },
      ratios: {},
    };
    for (const key of tenantKeys) {
      const [a, b] = await pairedRuns(scenarios[key], few, many);
      const value = b.rps / a.rps;
      const target = { op: '≥', value: 0.9 };
      (b.ratios ||= []).push({ value, of: few.label, target, met: value >= target.value });
      results.rows.push(a, b);
      summary.ratios[key] = value;
    }
    summary.tenantJwksBytes = { few: await jwksBytes(serverS.url), many: await jwksBytes(serverT.url) };
    log(
      `tenant issuers: /t/bench-rs JWKS ${summary.tenantJwksBytes.few} bytes with ${small.tenants} tenants, ${summary.tenantJwksBytes.many} bytes with ${fmt(big.tenants)}; ratios ${JSON.stringify(summary.ratios)}`,
    );
    results.tenantIssuers = summary;
    await stop(serverT);
  }

  if (!settings.skip.has('graphql') && (!settings.only || settings.only.includes('graphqlClients'))) {
    results.rows.push(await runS(scenarios.graphqlClients, `${DATA_SMALL} + 60 in the page's tenant`));
  }
  if (!settings.skip.has('graphql') && (!settings.only || settings.only.includes('graphqlDashboard'))) {
    results.rows.push(await runS(scenarios.graphqlDashboard, `${DATA_SMALL} + 60 clients, 60 users in the tenant`));
  }

  // 5. WORKERS=2 (on G's database), alternating with S (WORKERS=1); client_credentials reads no database
  if (serverG) await stop(serverG);
  if (!settings.skip.has('workers2')) {
    const server2 = await start(dbG, 2);
    const ctx2 = makeContext(server2.url, await reconnectSeed(seedG, server2.url), settings.connections);
    const W2 = { run: scenarioRunner(server2, ctx2, new Set()), label: 'paired with WORKERS=1', server: server2 };
    const W1 = { run: runS, label: 'paired with WORKERS=2' };
    for (const key of ['ccRs256', 'ccEs256'].filter((k) => main.includes(k)))
      results.rows.push(...(await pairedRuns(scenarios[key], W1, W2)));
    await stop(server2);
  }

  // 6. batch revocation on S, after every measured scenario: its 100k+ issued tokens and tenant
  //    cutoffs touch only tenants of its own, and S (WORKERS=1) has the only issuance counter, so counts are exact
  if (!settings.skip.has('batch') && (!settings.only || settings.only.includes('batchRevocation'))) {
    log(`batch revocation: sizes ${settings.batchSizes.join(', ')}; every token issued through the API (no SQL inserts)...`);
    const pgUrl = pgUrlOf(dbS);
    results.batchRevocation = [];
    for (const size of settings.batchSizes) {
      results.batchRevocation.push(
        await batchRevocationRun({
          baseUrl: serverS.url,
          sdk: seedS.sdk,
          rootAdmin: seedS.admin,
          otherClient: seedS.clients.ccRs[0],
          pgUrl,
          size,
          connections: settings.connections,
          log,
        }),
      );
    }
  }
  await stop(serverS);

  // 6b. provisioning at scale (issue 24): PROVISION_FILE of BENCH_PROVISION_TENANTS tenants, first and no-change start;
  //     tenant-idp apply of BENCH_PROVISION_API_TENANTS of them (10,000: applyProvisioning, set-based, ≤ 1,000 tenants a request), first and again
  if (!settings.skip.has('provisioning') && (!settings.only || settings.only.includes('provisioning'))) {
    log(`provisioning: ${settings.provisionTenants} tenants with a client each...`);
    results.provisioning = await provisioningScale({
      tenants: settings.provisionTenants,
      apiTenants: settings.skip.has('provisioningApply') ? 0 : settings.provisionApiTenants,
      databaseUrl: settings.databaseUrl,
      log,
    });
  }

  // 7. report
  const targets = annotate(results.rows, ceiling, peerRow);
  if (results.batchRevocation) {
    const wrong = results.batchRevocation.reduce((acc, r) => acc + r.failures.length, 0);
    targets.push({
      label: 'batch revocation: wrong counts, failed calls or checks',
      measured: wrong,
      op: '≤',
      value: 0,
      unit: '',
      met: wrong === 0,
    });
  }
  if (results.sessionLogout) {
    const sl = results.sessionLogout;
    targets.push({
      label: `endUserSessions, ${sl.sessions} sessions × ${sl.clients} clients: the request`,
      measured: sl.requestMs,
      op: '≤',
      value: 100,
      unit: ' ms',
      met: sl.requestMs <= 100,
    });
    targets.push({
      label: `…and all ${sl.sessions * sl.clients} back-channel logout tokens delivered`,
      measured: sl.delivered,
      op: '≥',
      value: sl.sessions * sl.clients,
      unit: '',
      met: sl.delivered >= sl.sessions * sl.clients,
    });
  }
  if (results.federatedSignIn) {
    const fed = results.federatedSignIn;
    targets.push({
      label: `federated sign-in ÷ password sign-in, server CPU per sign-in (${fmt(fed.federated.cpuMsMean, 1)} ÷ ${fmt(fed.password.cpuMsMean, 1)} ms, upstream excluded)`,
      measured: fed.cpuRatio,
      op: '≤',
      value: 1,
      met: fed.cpuRatio <= 1,
    });
  }
  if (results.tenantIssuers) {
    const ti = results.tenantIssuers;
    for (const [key, value] of Object.entries(ti.ratios)) {
      targets.push({
        label: `${scenarios[key].name}, ${fmt(ti.tenants.many)} ÷ ${ti.tenants.few} tenants (paired runs)`,
        measured: value,
        op: '≥',
        value: 0.9,
        met: value >= 0.9,
      });
    }
    const grows = ti.tenantJwksBytes.many - ti.tenantJwksBytes.few;
    targets.push({
      label: `tenant JWKS bytes, ${fmt(ti.tenants.many)} − ${ti.tenants.few} tenants (${ti.tenantJwksBytes.few} → ${ti.tenantJwksBytes.many})`,
      measured: grows,
      op: '≤',
      value: 0,
      unit: '',
      met: grows <= 0,
    });
  }
  if (results.provisioning) targets.push(...provisioningTargets(results.provisioning));
  results.targets = targets;
  results.machine.loadavgAfter = loadavg();
  results.finishedAt = new Date().toISOString();
  results.elapsedS = Math.round((Date.now() - started) / 100) / 10;
  results.notes.push(
    'req/s = responses / wall time of the run as timed by the bench (autocannon bounded by amount and stopped by the bench timer); p50/p99 from every response latency (float ms).',
    'server CPU µs/req = delta of utime+stime (/proc/<pid>/stat) of the server node processes (primary + cluster workers) over the measured run ÷ responses; PG CPU likewise for the embedded PostgreSQL processes.',
    'DB queries/req = delta of db_queries_total{route} ÷ delta of http_requests_total{route} from GET /metrics (with WORKERS=2, the sum over both workers).',
    'Ceiling ratios compare with one sequential jose loop (one signature in flight: jose v6 signs via crypto.subtle on libuv threads, so this is the per-core rate); scenarios that sign twice per request (access + ID token) compare with half of it.',
    'argon2id verify rate = the better of 1 and 2 verifies in flight (m=19456 KiB, t=2, p=1, as the server).',
    'idle/other cores = machine cores left idle during the measured run / used by processes other than the server, its PostgreSQL (and PgBouncer on the via-PgBouncer row) and this load generator (the machine is shared); from /proc/stat.',
    ...results.rows
      .filter((r) => r.proxyCpuUsPerRequest !== undefined)
      .map(
        (r) =>
          `${r.scenario} ${r.data}: PgBouncer CPU ${fmt(r.proxyCpuUsPerRequest)} µs/req, ${r.cores?.proxy?.toFixed(2) ?? '—'} cores (PG CPU on that row: the shared PostgreSQL during the proxied runs).`,
      ),
    `Growth data: ${results.growth ? results.growth.method : 'skipped'}.`,
    ...(results.batchRevocation
      ? [
          'Batch revocation: on the WORKERS=1 server after its scenarios, one tenant per size holding N live tokens, all issued through the API (client_credentials with autocannon, 8 password grants with offline_access = access + refresh token, and the admin bearer that makes the call); once token_issuance holds all of them (the server flushes every 5 s), one POST /api/v2/identity/token/batch-revocation {creationBefore: now}, timed by the bench around the HTTP call; exact = the count equals the tokens issued; a sample (admin bearer, user access and refresh tokens, ~20 client_credentials tokens) must introspect active before and inactive after, and tokens of a sibling tenant (path sharing the prefix) and of /bench-rs active after.',
        ]
      : []),
    `Paired rows: two servers stay up and the scenario alternates between them (${settings.pairRounds > 1 ? 'A B B A' : 'A B'}, ${settings.pairRounds * 2} runs of ${settings.pairDurationMs / 1000} s; warm-up ${settings.warmupMs / 1000} s before a side's first run, longer on a server new to the scenario, ${settings.pairWarmupMs / 1000} s before the others), so slow drift of a shared machine cancels out of the growth and WORKERS ratios; the row shows totals over its runs, latency the median run.`,
  );

  if (settings.quick)
    results.notes.unshift(
      'BENCH_QUICK: short single runs (one A B round for the paired comparisons); a smoke test, its ratios are indicative only.',
    );
  const rows = peerRow ? [peerRow, ...results.rows] : results.rows;
  const ceilingRows = ['RS256', 'ES256', 'EdDSA']
    .map(
      (alg) =>
        `  jose sign ${alg.padEnd(5)}: ${fmt(ceiling.sign[alg].opsPerSec).padStart(7)} /s on one core, ${fmt(ceiling.sign[alg].cpuUsPerOp, 1)} µs CPU per signature`,
    )
    .concat(
      `  argon2id verify: ${fmt(ceiling.argon2.verifySequentialPerSec, 1)} /s sequential, ${fmt(ceiling.argon2.verifyConcurrent2PerSec, 1)} /s with 2 in flight, ${fmt(ceiling.argon2.cpuUsPerVerify)} µs CPU per verify`,
    );
  const out = [
    '',
    `Baselines (same run): crypto ceiling, ${settings.ceilingMs} ms per loop`,
    ...ceilingRows,
    '',
    resultsTable(rows),
    '',
    targetsTable(targets),
    '',
    ...(results.batchRevocation ? [batchTable(results.batchRevocation), ''] : []),
    ...(results.growth
      ? results.growth.explain.map((e) => `EXPLAIN ANALYZE ${e.label}${e.seqScan ? ' — SEQ SCAN' : ''}\n    ${e.plan.join('\n    ')}`)
      : []),
    '',
    ...results.notes.map((n) => `- ${n}`),
    `- machine: ${results.machine.cpus}× ${results.machine.cpuModel}, ${results.machine.memGiB} GiB, ${results.machine.node}; loadavg before ${results.machine.loadavgBefore.join(' ')}, after ${results.machine.loadavgAfter.join(' ')}; commit ${results.machine.git.commit?.slice(0, 12)}${results.machine.git.dirty ? ' (dirty)' : ''}; ${results.elapsedS} s`,
    `- results: ${path.relative(process.cwd(), settings.resultsPath)}`,
    '',
  ];
  process.stdout.write(out.join('\n'));
  fs.writeFileSync(settings.resultsPath, JSON.stringify(results, null, 2) + '\n');

  const failed = targets.find((t) => t.label.startsWith('non-2xx'));
  if (failed && !failed.met) {
    log(`FAILED: ${failed.measured} non-2xx responses, errors or wrong bodies`);
    return 1;
  }
  const batchFailed = targets.find((t) => t.label.startsWith('batch revocation'));
  if (batchFailed && !batchFailed.met) {
    log(`FAILED: batch revocation: ${results.batchRevocation.flatMap((r) => r.failures.map((f) => `${r.tenantPath}: ${f}`)).join('; ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => cleanupAll().then(() => process.exit(code)),
  (err) => {
    log(`error: ${err.stack || err.message}`);
    cleanupAll().then(() => process.exit(1));
  },
);
