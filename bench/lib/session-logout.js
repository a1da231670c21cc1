'use strict';
// Issue 23's figure: an admin ends a user's 100 browser sessions, each signed into the same
// 10 clients (a refresh family each), with GraphQL endUserSessions; the request is timed as the admin sees it, and the
// 1,000 back-channel logout tokens it owes are counted as they reach a receiver in this process.
// The sessions and their client links are inserted with SQL (100 sign-ins × 10 code flows
// through the pages would measure the pages, not the logout); the clients and the user are
// made through the API, and everything after the call is the server's own work.
// Several rounds (BENCH_LOGOUT_ROUNDS, 3), each on a tenant and user of its own, one after the
// other once the previous round's tokens all arrived; the figure is the median round (the
// machine is shared), every round is kept in the results.

const http = require('node:http');
const { withDb } = require('./growth');

/** A back-channel logout receiver on 127.0.0.1: counts POSTs and resolves `reached(n)` once n arrived. */
async function startReceiver() {
  let count = 0;
  const waiters = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200).end();
      for (const w of waiters.splice(0)) {
        if (count >= w.n) w.resolve();
        else waiters.push(w);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: (path) => `http://127.0.0.1:${server.address().port}${path}`,
    count: () => count,
    reached: (n) => (count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * A tenant of its own with `clientCount` clients that have a back-channel logout URI at `receiver`, a user,
 * and `sessions` open sessions of that user each linked to every client with a refresh family per link.
 */
async function prepareRound(o, receiver, round, sessions, clientCount) {
  const tenantPath = `/bench-logout-${round}`;
  const prefix = `bench-logout-${round}-`;
  const { createTenant } = await o.sdk.createTenant({ input: { path: tenantPath, signingAlgorithm: 'ES256' } });
  for (let i = 0; i < clientCount; i++) {
    await o.sdk.createClient({
      input: {
        tenantPath,
        clientId: `${prefix}${i}`,
        name: `bench logout ${round}/${i}`,
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['https://rp.bench.example/cb'],
        allowedScopes: ['openid', 'offline_access'],
        backchannelLogoutUri: receiver.url(`/bc/${round}/${i}`),
        backchannelLogoutSessionRequired: true,
      },
    });
  }
  const { createUser } = await o.sdk.createUser({
    input: { tenantPath, username: 'bench-logout-user', password: 'bench logout password 1', email: `logout-${round}@bench.example` },
  });
  await withDb(o.pgUrl, async (c) => {
    await c.query(
      `insert into browser_sessions (id_hash, sid, tenant_id, user_id, auth_time, expires_at, amr, acr)
       select md5(random()::text || g), md5(random()::text || g || 'sid'), $1, $2, now(), now() + interval '8 hours', '{pwd}', 'urn:tenant-idp:acr:pwd'
         from generate_series(1, $3::int) g`,
      [createTenant.id, createUser.id, sessions],
    );
    await c.query(
      `insert into browser_session_clients (session_sid, client_id)
       select s.sid, c.id from browser_sessions s cross join clients c
        where s.user_id = $1 and c.tenant_id = $2`,
      [createUser.id, createTenant.id],
    );
    // The refresh family each client got under each session (what ending the sessions revokes).
    await c.query(
      `insert into token_families (id, tenant_id, client_id, user_id, scopes, auth_time, session_sid)
       select gen_random_uuid(), s.tenant_id, c.client_id, s.user_id, '{openid,offline_access}', s.auth_time, s.sid
         from browser_session_clients bc join browser_sessions s on s.sid = bc.session_sid join clients c on c.id = bc.client_id
        where s.user_id = $1`,
      [createUser.id],
    );
    await c.query('analyze browser_sessions, browser_session_clients, token_families');
  });
  return { userId: createUser.id, tenantId: createTenant.id };
}

/**
 * @param {{ sdk: any, pgUrl: string, sessions?: number, clientsPerSession?: number, rounds?: number, log: (s: string) => void,
 *           beforeRound?: (r: { userId: string, tenantId: string }) => Promise<void> }} o
 * @returns {Promise<{ sessions: number, clients: number, ended: number, requestMs: number, deliveredMs: number | null, delivered: number,
 *           rounds: { requestMs: number, deliveredMs: number | null, delivered: number, ended: number }[] }>}
 */
async function measureSessionLogout(o) {
  const sessions = o.sessions ?? 100;
  const clientCount = o.clientsPerSession ?? 10;
  const roundCount = o.rounds ?? Number(process.env.BENCH_LOGOUT_ROUNDS || 3);
  const expected = sessions * clientCount;
  const receiver = await startReceiver();
  const rounds = [];
  try {
    for (let round = 1; round <= roundCount; round++) {
      const prepared = await prepareRound(o, receiver, round, sessions, clientCount);
      if (o.beforeRound) await o.beforeRound(prepared);
      const before = receiver.count();
      const started = performance.now();
      const { endUserSessions } = await o.sdk.endUserSessions({ userId: prepared.userId });
      const requestMs = performance.now() - started;
      const deadline = new Promise((resolve) => setTimeout(resolve, 120_000).unref());
      const done = await Promise.race([receiver.reached(before + expected).then(() => true), deadline.then(() => false)]);
      const deliveredMs = done ? performance.now() - started : null;
      const delivered = receiver.count() - before;
      o.log(
        `session logout ${round}/${roundCount}: endUserSessions of ${sessions} sessions × ${clientCount} clients answered in ${requestMs.toFixed(1)} ms (ended ${endUserSessions}); ` +
          `${delivered}/${expected} logout tokens delivered${deliveredMs === null ? ' (gave up after 120 s)' : ` after ${deliveredMs.toFixed(0)} ms`}`,
      );
      rounds.push({ requestMs, deliveredMs, delivered, ended: endUserSessions });
    }
  } finally {
    await receiver.close();
  }
  const median = [...rounds].sort((a, b) => a.requestMs - b.requestMs)[Math.floor((rounds.length - 1) / 2)];
  return {
    sessions,
    clients: clientCount,
    ended: Math.min(...rounds.map((r) => r.ended)),
    requestMs: median.requestMs,
    deliveredMs: median.deliveredMs,
    // every round must have delivered all of its tokens
    delivered: Math.min(...rounds.map((r) => r.delivered)),
    rounds,
  };
}

module.exports = { measureSessionLogout };
