'use strict';
// `SOAK_NODES=3 npm run soak`: what only several nodes can get wrong.
//   - propagation: through the run, a token issued by one node and introspected
//     (so cached) at every node is revoked at the next node; the time from that
//     revocation's 200 until every node, addressed directly, answers inactive is
//     one sample (the soak reports the slowest); none may take longer than 10 s;
//   - per-node throughput: after the traffic, client_credentials and introspection
//     against each node alone, and through the proxy over all of them.

const { basic, postForm } = require('./http');
const { runLoad, FORM } = require('../lib/load');

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const oauthError = (r) => (r.body && typeof r.body.error === 'string' ? r.body.error : undefined);
const GIVE_UP_MS = 10_000;

function propagation({ nodes, seed, ledger, stop, state }) {
  const { cc, resource } = seed;
  const asClient = { authorization: basic(cc.clientId, cc.secret) };
  const asResource = { authorization: basic(resource.clientId, resource.secret) };
  const samples = []; // { t, ms }: ms from the revocation's 200 until the last node answered inactive
  const introspect = async (node, token) => {
    const r = await postForm(`${node}/introspect`, { token }, asResource);
    ledger.record('nodes introspect', r.status, oauthError(r));
    return r;
  };

  async function loop() {
    let round = 0;
    while (!stop()) {
      round++;
      const issued = await postForm(`${nodes[round % nodes.length]}/token`, { grant_type: 'client_credentials' }, asClient);
      ledger.record('nodes client_credentials', issued.status, oauthError(issued));
      if (issued.status !== 200) {
        await pause(200);
        continue;
      }
      const token = issued.body.access_token;
      for (const node of nodes) await introspect(node, token);
      const revoked = await postForm(`${nodes[(round + 1) % nodes.length]}/revoke`, { token, token_type_hint: 'access_token' }, asClient);
      ledger.record('nodes revoke', revoked.status, oauthError(revoked));
      if (revoked.status !== 200) {
        await pause(200);
        continue;
      }
      state.revoked.push(token);
      const from = performance.now();
      const delays = await Promise.all(
        nodes.map(async (node) => {
          while (performance.now() - from < GIVE_UP_MS) {
            const r = await introspect(node, token);
            if (r.status === 200 && r.body.active === false) return performance.now() - from;
            await pause(5);
          }
          return null;
        }),
      );
      if (delays.includes(null)) ledger.violate('revocation not in force at every node', `after ${GIVE_UP_MS} ms: ${token.slice(-12)}`);
      else samples.push({ t: ledger.now(), ms: Math.round(Math.max(...delays)) });
      await pause(250);
    }
  }
  return { samples, loop };
}

/** Revocations answered 200 that some node does not enforce (a lost write at that node). */
async function lostRevocationsAt(nodes, seed, revoked, ledger) {
  const asResource = { authorization: basic(seed.resource.clientId, seed.resource.secret) };
  let lost = 0;
  for (const node of nodes) {
    for (const token of revoked) {
      const r = await postForm(`${node}/introspect`, { token }, asResource);
      if (r.status !== 200 || r.body.active !== false) {
        lost++;
        ledger.violate('lost revocation', `at ${node}: ${r.status} ${JSON.stringify(r.body)}`);
      }
    }
  }
  return lost;
}

/** client_credentials and introspection (req/s) against each node alone, then through the proxy. */
async function throughputPerNode({ nodes, proxyUrl, seed, seconds = 3, connections = 8 }) {
  const cc = { authorization: basic(seed.cc.clientId, seed.cc.secret), 'content-type': FORM };
  const issued = await postForm(`${nodes[0]}/token`, { grant_type: 'client_credentials' }, { authorization: cc.authorization });
  const token = issued.body.access_token;
  const kinds = {
    client_credentials: (base) => ({ url: `${base}/token`, method: 'POST', headers: cc, body: 'grant_type=client_credentials' }),
    introspection: (base) => ({
      url: `${base}/introspect`,
      method: 'POST',
      headers: { authorization: basic(seed.resource.clientId, seed.resource.secret), 'content-type': FORM },
      body: `token=${token}&token_type_hint=access_token`,
      verify: (status, body) => body.includes('"active":true'),
    }),
  };
  const rows = [];
  for (const [label, base] of [...nodes.map((node, i) => [`node ${i + 1}`, node]), ['all via proxy', proxyUrl]]) {
    const row = { target: label };
    for (const [kind, options] of Object.entries(kinds)) {
      await runLoad(options(base), { connections, durationMs: 1000, maxRequests: 200_000 }); // warm-up
      const r = await runLoad(options(base), { connections, durationMs: seconds * 1000, maxRequests: 200_000 });
      row[kind] = {
        rps: Math.round(r.rps),
        p99Ms: r.latencyMs.p99 === null ? null : +r.latencyMs.p99.toFixed(1),
        failed: r.non2xx + r.errors + r.mismatches,
      };
    }
    rows.push(row);
  }
  return rows;
}

module.exports = { propagation, lostRevocationsAt, throughputPerNode };
