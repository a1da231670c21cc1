'use strict';
// `npm run soak`: a bounded, loopback-only soak of the whole server (issue 12).
//
// One server (WORKERS=1) on a PostgreSQL the soak owns. For SOAK_DURATION seconds
// (default 60) it drives client_credentials, password + refresh-token chains,
// introspection, revocation and GraphQL reads and writes at once. At 40 % of
// the run it stops PostgreSQL for SOAK_OUTAGE seconds (default 6) and starts it
// again. Then it checks what the server promised:
//   - no 5xx or network error outside the outage window (+5 s to recover),
//     and only 503 inside it;
//   - every refresh token answered 200 once is refused once its successor was
//     used, and no refresh token was refused before it was redeemed: a refresh
//     retried after a 5xx or no answer at all succeeds (the soak tenant has a
//     reuse grace of SOAK_REUSE_GRACE seconds, default 30; 0 tests strict
//     rotation, where a retry after no answer may be refused);
//   - every revocation answered 200 stays in force (introspection says inactive);
//   - every client whose creation answered 200 works with the secret it returned,
//     and no client exists whose creation did not answer (a lost secret);
//   - server memory is flat: RSS over the last fifth within 25 % (+16 MiB) of the
//     median after warm-up.
// SOAK_NODES=3 (several nodes, issue 24): that many server processes (WORKERS=1 each) on
// the one PostgreSQL, with one SECRET_KEY and one ISSUER, behind a round-robin HTTP proxy
// (bench/lib/round-robin-proxy.js) that the traffic above goes through. On top: every
// revocation is checked at every node; revocations sampled through the run measure how long
// a revocation answered by one node takes to be in force at all of them (bench/soak/nodes.js);
// afterwards client_credentials and introspection are measured against each node alone
// (SOAK_NODE_LOAD_SECONDS, default 3). RSS is the sum over the nodes.
// Prints its figures, writes them to bench/soak-results.json, exits 1 on a broken promise.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { startServer, killAllServersSync, REPO } = require('./lib/server');
const { createClient } = require('./lib/seed');
const { startRestartablePostgres } = require('./soak/postgres');
const { Ledger } = require('./soak/ledger');
const { traffic } = require('./soak/traffic');
const { basic, postForm } = require('./soak/http');
const { rssBytes } = require('./soak/memory');
const { propagation, lostRevocationsAt, throughputPerNode } = require('./soak/nodes');
const { startRoundRobinProxy } = require('./lib/round-robin-proxy');

const { createAdminSdk } = require(path.join(REPO, 'dist', 'sdk', 'client.js'));

const env = process.env;
const durationMs = Number(env.SOAK_DURATION ?? 60) * 1000;
const outageMs = Number(env.SOAK_OUTAGE ?? 6) * 1000;
const outageAtMs = Math.round(durationMs * 0.4);
const reuseGraceSeconds = Number(env.SOAK_REUSE_GRACE ?? 30);
const nodeCount = Math.max(1, Number(env.SOAK_NODES ?? 1));
const nodeLoadSeconds = Number(env.SOAK_NODE_LOAD_SECONDS ?? 3);
const hardLimitMs = durationMs + 240_000 + (nodeCount > 1 ? (nodeCount + 1) * 2 * (nodeLoadSeconds + 1) * 1000 : 0);
/** Broken promises that mean a write answered 200 did not last (or an unanswered one did). */
const LOST_WRITES = new Set([
  'lost revocation',
  'revoked token still active',
  'created client does not work with its secret',
  'client created but its secret was never returned',
  'revocation not in force at every node',
]);
const PASSWORD = 'soak-user-password-0123456789';

async function seed(baseUrl, adminSecret) {
  const tokenResponse = await postForm(
    `${baseUrl}/token`,
    { grant_type: 'client_credentials', scope: 'admin' },
    { authorization: basic('admin', adminSecret) },
  );
  if (tokenResponse.status !== 200) throw new Error(`admin token: ${tokenResponse.status} ${JSON.stringify(tokenResponse.body)}`);
  const adminToken = tokenResponse.body.access_token;
  const sdk = createAdminSdk(baseUrl, adminToken);
  const tenantPath = '/soak';
  await sdk.createTenant({ input: { path: tenantPath, refreshReuseGraceSeconds: reuseGraceSeconds } });
  const cc = await createClient(sdk, {
    tenantPath,
    clientId: 'soak-cc',
    name: 'soak cc',
    grantTypes: ['client_credentials'],
    allowedScopes: ['read'],
  });
  const resource = await createClient(sdk, {
    tenantPath,
    clientId: 'soak-api',
    name: 'soak api',
    grantTypes: ['client_credentials'],
    allowedScopes: ['read'],
  });
  const app = await createClient(sdk, {
    tenantPath,
    clientId: 'soak-app',
    name: 'soak app',
    firstParty: true,
    grantTypes: ['password', 'refresh_token'],
    allowedScopes: ['openid', 'offline_access'],
  });
  const users = [];
  for (const i of [1, 2, 3]) {
    const { createUser } = await sdk.createUser({ input: { tenantPath, username: `soak-user-${i}`, password: PASSWORD } });
    users.push({ id: createUser.id, username: createUser.username, password: PASSWORD });
  }
  return { adminToken, tenantPath, cc, resource, app, users };
}

async function finalChecks({ baseUrl, seed: s, state, ledger, adminToken }) {
  const asResource = { authorization: basic(s.resource.clientId, s.resource.secret) };
  for (const token of state.revoked) {
    const r = await postForm(`${baseUrl}/introspect`, { token }, asResource);
    if (r.status !== 200 || r.body.active !== false) ledger.violate('lost revocation', `${r.status} ${JSON.stringify(r.body)}`);
  }
  let replays = 0;
  for (const chain of state.chains) {
    // Replaying a spent token whose successor was used too revokes its family (whatever the reuse grace):
    // check the oldest spent tokens last in each chain's life.
    for (const spent of chain.spent.slice(0, Math.min(3, chain.spent.length - 1))) {
      const r = await postForm(
        `${baseUrl}/token`,
        { grant_type: 'refresh_token', refresh_token: spent },
        { authorization: basic(s.app.clientId, s.app.secret) },
      );
      replays++;
      if (r.status !== 400 || r.body.error !== 'invalid_grant')
        ledger.violate('spent refresh token redeemed twice', `${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  for (const client of state.createdClients) {
    const r = await postForm(
      `${baseUrl}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basic(client.clientId, client.secret) },
    );
    if (r.status !== 200) ledger.violate('created client does not work with its secret', `${client.clientId}: ${r.status}`);
  }
  const sdk = createAdminSdk(baseUrl, adminToken);
  for (const clientId of state.unansweredClients) {
    const found = await sdk.client({ clientId }).then(
      (d) => d.client,
      () => null,
    );
    if (found) ledger.violate('client created but its secret was never returned', clientId);
  }
  return {
    retries: state.retries,
    revocationsChecked: state.revoked.length,
    replays,
    clientsChecked: state.createdClients.length + state.unansweredClients.length,
  };
}

function memoryVerdict(samples) {
  const after = samples.filter((s) => s.t > durationMs * 0.2 && s.t < durationMs * 0.4).map((s) => s.rss);
  const last = samples.filter((s) => s.t > durationMs * 0.8).map((s) => s.rss);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const base = median(after);
  const end = median(last);
  const limit = base * 1.25 + 16 * 1024 * 1024;
  return { baseMiB: +(base / 2 ** 20).toFixed(1), endMiB: +(end / 2 ** 20).toFixed(1), flat: base > 0 && end <= limit };
}

async function main() {
  const hardLimit = setTimeout(() => {
    process.stderr.write('soak: hard time limit reached, stopping\n');
    killAllServersSync();
    process.exit(1);
  }, hardLimitMs);
  hardLimit.unref();

  const postgres = await startRestartablePostgres();
  const dataDirs = Array.from({ length: nodeCount }, () => fs.mkdtempSync(path.join(os.tmpdir(), 'idp-soak-data-')));
  const adminSecret = `soak-admin-${randomBytes(12).toString('hex')}`;
  const secretKey = randomBytes(32).toString('base64');
  const servers = [];
  let proxy = null;
  const ledger = new Ledger();
  try {
    // Several nodes share one ISSUER: the proxy's, known before they start.
    if (nodeCount > 1) proxy = await startRoundRobinProxy();
    for (const dataDir of dataDirs) {
      servers.push(
        await startServer({
          workers: 1,
          dataDir,
          databaseUrl: postgres.url,
          secretKey,
          adminSecret,
          env: proxy ? { ISSUER: proxy.url } : {},
        }),
      );
    }
    const nodes = servers.map((server) => server.url);
    if (proxy) proxy.setBackends(nodes);
    const baseUrl = proxy ? proxy.url : nodes[0];
    const s = await seed(baseUrl, adminSecret);
    ledger.started = Date.now();
    let stopped = false;
    const run = traffic({ baseUrl, seed: s, ledger, stop: () => stopped, reuseGraceSeconds });
    const samples = [];
    const rss = () => servers.reduce((sum, server) => sum + rssBytes(server.pid), 0);
    const sampler = setInterval(() => samples.push({ t: ledger.now(), rss: rss() }), 1000);
    const spread = proxy ? propagation({ nodes, seed: s, ledger, stop: () => stopped, state: run.state }) : null;
    const loops = Promise.all([...run.loops(), ...(spread ? [spread.loop()] : [])]);

    await new Promise((r) => setTimeout(r, outageAtMs));
    ledger.outage = { from: ledger.now() };
    await postgres.stop();
    await new Promise((r) => setTimeout(r, outageMs));
    await postgres.start();
    ledger.outage.to = ledger.now();
    const recovered = await firstSuccessAfter(baseUrl, s, ledger);

    await new Promise((r) => setTimeout(r, Math.max(0, durationMs - ledger.now())));
    stopped = true;
    await loops;
    clearInterval(sampler);
    let ready = 200;
    for (const node of nodes) {
      const status = await fetch(`${node}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) ready = status;
    }
    const multi = proxy
      ? {
          nodes: nodes.length,
          requestsPerNode: Object.values(proxy.counts()),
          propagation: spread.samples,
          throughput: await throughputPerNode({ nodes, proxyUrl: proxy.url, seed: s, seconds: nodeLoadSeconds }),
        }
      : null;
    for (const row of multi?.throughput ?? []) {
      const failed = row.client_credentials.failed + row.introspection.failed;
      if (failed > 0) ledger.violate('throughput run answered other than 200', `${row.target}: ${failed}`);
    }
    const checks = await finalChecks({ baseUrl, seed: s, state: run.state, ledger, adminToken: s.adminToken });
    if (proxy) checks.lostAtNodes = await lostRevocationsAt(nodes, s, run.state.revoked, ledger);
    const memory = memoryVerdict(samples);
    if (!memory.flat) ledger.violate('memory grew', JSON.stringify(memory));
    if (ready !== 200) ledger.violate('/readyz not ready after recovery', String(ready));
    report({ ledger, checks, memory, recovered, ready, multi });
  } finally {
    for (const server of servers) await server.stop();
    if (proxy) await proxy.close();
    await postgres.destroy();
    for (const dataDir of dataDirs) fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(ledger.unexpected.length === 0 && ledger.violations.length === 0 ? 0 : 1);
}

/** Milliseconds from PostgreSQL's restart to the first client_credentials token that needs the database. */
async function firstSuccessAfter(baseUrl, s, ledger) {
  const from = ledger.now();
  while (ledger.now() - from < 60_000) {
    const r = await postForm(`${baseUrl}/introspect`, { token: 'x' }, { authorization: basic(s.resource.clientId, s.resource.secret) });
    if (r.status === 200) return ledger.now() - from;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

function report({ ledger, checks, memory, recovered, ready, multi }) {
  const kinds = [...new Set([...ledger.counts.keys()].map((k) => k.slice(0, k.lastIndexOf(' '))))].sort();
  const rows = kinds.map((kind) => {
    const statuses = [...ledger.counts].filter(([k]) => k.startsWith(`${kind} `)).map(([k, n]) => `${k.slice(kind.length + 1)}×${n}`);
    return `  ${kind.padEnd(22)} ${String(ledger.total(kind)).padStart(7)}  ${statuses.join(' ')}`;
  });
  const seconds = (durationMs / 1000).toFixed(0);
  const requests = [...ledger.counts.values()].reduce((sum, n) => sum + n, 0);
  const faults = [...ledger.counts].filter(([k]) => {
    const status = Number(k.slice(k.lastIndexOf(' ') + 1));
    return status === 0 || status >= 500;
  });
  const faultCount = faults.reduce((sum, [, n]) => sum + n, 0);
  const lostWrites = ledger.violations.filter((v) => LOST_WRITES.has(v.what)).length;
  const sorted = multi ? multi.propagation.map((p) => p.ms).sort((a, b) => a - b) : [];
  // Outside the outage window (+ recovery grace): a node's change bus that was cut catches up by its resync instead.
  const steady = multi ? multi.propagation.filter((p) => !ledger.inOutageWindow(p.t)).map((p) => p.ms) : [];
  const nodeLines = multi
    ? [
        `nodes: ${multi.nodes} server processes (WORKERS=1 each) behind a round-robin proxy; requests per node ${multi.requestsPerNode.join(' / ')}`,
        `propagation: ${sorted.length} revocations sampled (answered 200 at one node until every node answers inactive): ` +
          (sorted.length
            ? `median ${sorted[Math.floor(sorted.length / 2)]} ms, slowest ${sorted[sorted.length - 1]} ms` +
              `; slowest outside the outage window ${steady.length ? Math.max(...steady) : '-'} ms`
            : 'none'),
        `revocations checked at every node: ${checks.lostAtNodes} not in force`,
        `throughput (${nodeLoadSeconds} s each, 8 connections; req/s, p99 ms):`,
        ...multi.throughput.map(
          (row) =>
            `  ${row.target.padEnd(14)} client_credentials ${String(row.client_credentials.rps).padStart(6)} (${row.client_credentials.p99Ms})` +
            `  introspection ${String(row.introspection.rps).padStart(6)} (${row.introspection.p99Ms})` +
            (row.client_credentials.failed + row.introspection.failed
              ? `  FAILED ${row.client_credentials.failed + row.introspection.failed}`
              : ''),
        ),
      ]
    : [];
  const lines = [
    `soak: ${seconds} s, PostgreSQL down from ${(ledger.outage.from / 1000).toFixed(1)} s to ${(ledger.outage.to / 1000).toFixed(1)} s`,
    `requests by kind (status×count):`,
    ...rows,
    `requests: ${requests}; 5xx or no answer: ${faultCount} (${ledger.unexpected.length} outside the outage window); lost writes: ${lostWrites}`,
    ...nodeLines,
    `recovery: first database-backed 200 ${recovered === null ? 'never' : `${recovered} ms`} after PostgreSQL was back; /readyz ${ready}`,
    `checked: ${checks.revocationsChecked} revocations, ${checks.replays} refresh replays, ${checks.clientsChecked} created clients`,
    `refreshes presented again after a 5xx or no answer: ${checks.retries.retried}; chains that resumed with a 200: ${checks.retries.succeeded} (reuse grace ${reuseGraceSeconds} s)`,
    `memory: RSS median ${memory.baseMiB} MiB after warm-up, ${memory.endMiB} MiB at the end (${memory.flat ? 'flat' : 'GREW'})`,
    `unexpected 5xx/network errors: ${ledger.unexpected.length}`,
    ...ledger.unexpected.slice(0, 10).map((u) => `  ${(u.t / 1000).toFixed(1)} s ${u.kind} ${u.status} ${u.detail}`),
    `broken promises: ${ledger.violations.length}`,
    ...ledger.violations.slice(0, 10).map((v) => `  ${(v.t / 1000).toFixed(1)} s ${v.what}: ${v.detail}`),
    ledger.unexpected.length === 0 && ledger.violations.length === 0 ? 'soak: PASS' : 'soak: FAIL',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const results = {
    durationMs,
    outage: ledger.outage,
    counts: Object.fromEntries(ledger.counts),
    unexpected: ledger.unexpected,
    violations: ledger.violations,
    checks,
    memory,
    recoveredMs: recovered,
    requests,
    faults: faultCount,
    lostWrites,
    ...(multi ? { nodes: multi } : {}),
  };
  fs.writeFileSync(path.join(__dirname, 'soak-results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

process.on('exit', killAllServersSync);
main().catch((error) => {
  process.stderr.write(`soak: ${error?.stack ?? error}\n`);
  killAllServersSync();
  process.exit(1);
});
