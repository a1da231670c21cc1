'use strict';
// Batch revocation (issue 10): for each size N, a tenant of its own holding N live tokens, all
// issued for real through the API (no SQL inserts): 8 password grants with offline_access (an
// access and a refresh token each), the admin bearer that makes the call, and the rest
// client_credentials access tokens issued with autocannon. Once the server's issuance counters
// have reached the database, seed 003's POST /api/v2/identity/token/batch-revocation is timed,
// its count compared with the tokens issued, a sample of them introspected before (active) and
// after (inactive), and tokens of other tenants must stay active.

const { runLoad } = require('./load');
const { createClient, tokenRequest, basic, form } = require('./seed');
const { withDb } = require('./growth');

const BATCH_PATH = '/api/v2/identity/token/batch-revocation';
const USER_PASSWORD = 'bench-batch-password-0123456789';
const CC_CLIENTS = 4;
const USERS = 4;
const MAX_USER_GRANTS = 8; // argon2id-bound: kept small
const CC_SAMPLE = 20; // client_credentials tokens introspected before and after
const FLUSH_TIMEOUT_MS = 20_000; // the server flushes every 5 s
const ISSUE_TIMEOUT_MS = 300_000; // safety cap of the autocannon run (bounded by `amount` before that)

const sizeLabel = (n) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function introspect(baseUrl, client, token, hint) {
  const res = await fetch(`${baseUrl}/introspect`, {
    method: 'POST',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ token, token_type_hint: hint }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`POST /introspect: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.active === true;
}

/** How many of `tokens` introspect as `active` (as the root admin client, which may introspect every tenant's tokens). */
async function countActive(baseUrl, client, tokens) {
  let n = 0;
  for (const t of tokens) if (await introspect(baseUrl, client, t.token, t.hint)) n++;
  return n;
}

/** The access tokens of a tenant counted in token_issuance so far, and the counter rows (buckets) holding them. */
async function issuanceInDb(pgUrl, tenantId) {
  return withDb(pgUrl, async (db) => {
    const { rows } = await db.query(
      'select coalesce(sum(count), 0)::int as tokens, count(*)::int as buckets from token_issuance where tenant_id = $1',
      [tenantId],
    );
    return rows[0];
  });
}

/**
 * One size: a fresh tenant with N live tokens, revoked in one call.
 * @param {object} o
 * @param {string} o.baseUrl       the server (WORKERS=1: its issuance counter is the only one, so counts are exact)
 * @param {object} o.sdk           GraphQL admin SDK of the root admin
 * @param {{clientId:string, secret:string}} o.rootAdmin  root tenant admin client (introspects every tenant's tokens)
 * @param {{clientId:string, secret:string}} o.otherClient a client of another, already seeded tenant (e.g. /bench-rs)
 * @param {string} o.pgUrl         the server's database
 * @param {number} o.size          N
 * @param {number} o.connections   autocannon connections
 * @param {(msg:string) => void} o.log
 */
async function batchRevocationRun({ baseUrl, sdk, rootAdmin, otherClient, pgUrl, size, connections, log }) {
  const t0 = performance.now();
  const tenantPath = `/bench-batch-${sizeLabel(size)}`;
  // a sibling whose path starts with the tenant's: the batch must not reach it (subtree, not string prefix)
  const siblingPath = `${tenantPath}-sibling`;
  const failures = [];

  const { createTenant: tenant } = await sdk.createTenant({ input: { path: tenantPath, signingAlgorithm: 'RS256' } });
  await sdk.createTenant({ input: { path: siblingPath, signingAlgorithm: 'RS256' } });
  const name = tenantPath.slice(1);
  const ccClients = await Promise.all(
    Array.from({ length: CC_CLIENTS }, (_, i) =>
      createClient(sdk, {
        tenantPath,
        clientId: `${name}-cc-${i + 1}`,
        name: `batch cc ${i + 1}`,
        grantTypes: ['client_credentials'],
        allowedScopes: ['read'],
      }),
    ),
  );
  const ops = await createClient(sdk, {
    tenantPath,
    clientId: `${name}-ops`,
    name: 'batch ops (admin)',
    grantTypes: ['client_credentials'],
    allowedScopes: ['admin'],
  });
  const siblingClient = await createClient(sdk, {
    tenantPath: siblingPath,
    clientId: `${name}-sibling-cc`,
    name: 'batch sibling cc',
    grantTypes: ['client_credentials'],
    allowedScopes: ['read'],
  });
  // user tokens (access + refresh) through the password grant: at most MAX_USER_GRANTS, leaving room for the admin bearer
  const userGrants = Math.max(0, Math.min(MAX_USER_GRANTS, Math.floor((size - 1) / 4)));
  const users = [];
  let app = null;
  if (userGrants > 0) {
    app = await createClient(sdk, {
      tenantPath,
      clientId: `${name}-app`,
      name: 'batch user app',
      firstParty: true,
      grantTypes: ['password', 'refresh_token'],
      allowedScopes: ['openid', 'offline_access'],
    });
    for (let i = 1; i <= Math.min(USERS, userGrants); i++) {
      const { createUser: u } = await sdk.createUser({ input: { tenantPath, username: `batch-user-${i}`, password: USER_PASSWORD } });
      users.push(u.username);
    }
  }
  const ccTarget = size - 1 - 2 * userGrants;

  // 1. the tokens: the admin bearer first (it is one of the N and is revoked by its own call)
  const adminBearer = (await tokenRequest(baseUrl, ops, { grant_type: 'client_credentials', scope: 'admin' })).access_token;
  const sample = [{ token: adminBearer, hint: 'access_token', kind: 'admin bearer' }];
  let userAccess = 0;
  let userRefresh = 0;
  for (let i = 0; i < userGrants; i += 4) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(4, userGrants - i) }, (_, j) =>
        tokenRequest(baseUrl, app, {
          grant_type: 'password',
          username: users[(i + j) % users.length],
          password: USER_PASSWORD,
          scope: 'openid offline_access',
        }),
      ),
    );
    for (const b of batch) {
      if (b.access_token) {
        userAccess++;
        sample.push({ token: b.access_token, hint: 'access_token', kind: 'user access' });
      }
      if (b.refresh_token) {
        userRefresh++;
        sample.push({ token: b.refresh_token, hint: 'refresh_token', kind: 'refresh' });
      }
    }
  }
  if (userAccess !== userGrants || userRefresh !== userGrants)
    failures.push(`password grants: ${userAccess} access / ${userRefresh} refresh tokens for ${userGrants} grants`);

  const tIssue = performance.now();
  let ccIssued = 0;
  const step = Math.max(1, Math.floor(ccTarget / CC_SAMPLE));
  let nextClient = 0;
  const load =
    ccTarget > 0
      ? await runLoad(
          {
            method: 'POST',
            url: `${baseUrl}/token`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=client_credentials&scope=read',
            setupClient(client) {
              client.setHeaders({
                'content-type': 'application/x-www-form-urlencoded',
                authorization: basic(ccClients[nextClient++ % ccClients.length]),
              });
            },
            verify(status, body) {
              const s = String(body);
              if (!s.includes('"access_token"')) return false;
              if (ccIssued++ % step === 0)
                sample.push({ token: JSON.parse(s).access_token, hint: 'access_token', kind: 'client_credentials' });
              return true;
            },
          },
          { connections: Math.min(connections, ccTarget), durationMs: ISSUE_TIMEOUT_MS, maxRequests: ccTarget },
        )
      : { requests: 0, rps: 0, non2xx: 0, errors: 0, timeouts: 0, mismatches: 0, failureSamples: [] };
  const issueMs = performance.now() - tIssue;
  const loadBad = load.non2xx + load.errors + load.timeouts + load.mismatches;
  if (loadBad) failures.push(`issuing: ${loadBad} non-2xx/errors/wrong bodies ${JSON.stringify(load.failureSamples)}`);
  if (ccIssued !== ccTarget) failures.push(`issuing: ${ccIssued} client_credentials tokens of ${ccTarget}`);

  // tokens of other tenants, issued before the call: they must stay active
  const others = [
    {
      token: (await tokenRequest(baseUrl, siblingClient, { grant_type: 'client_credentials', scope: 'read' })).access_token,
      hint: 'access_token',
      kind: siblingPath,
    },
    {
      token: (await tokenRequest(baseUrl, otherClient, { grant_type: 'client_credentials', scope: 'read' })).access_token,
      hint: 'access_token',
      kind: otherClient.tenantPath || 'other tenant',
    },
  ];

  const liveTokens = 1 + userAccess + userRefresh + ccIssued;
  const liveAccess = 1 + userAccess + ccIssued;

  // 2. wait until the server's issuance counter has written this tenant's access tokens (every 5 s)
  const tFlush = performance.now();
  let inDb = await issuanceInDb(pgUrl, tenant.id);
  while (inDb.tokens < liveAccess && performance.now() - tFlush < FLUSH_TIMEOUT_MS) {
    await sleep(200);
    inDb = await issuanceInDb(pgUrl, tenant.id);
  }
  const flushWaitMs = performance.now() - tFlush;
  if (inDb.tokens !== liveAccess)
    failures.push(`token_issuance holds ${inDb.tokens} access tokens of ${liveAccess} after ${Math.round(flushWaitMs)} ms`);

  const activeBefore = await countActive(baseUrl, rootAdmin, sample);
  if (activeBefore !== sample.length) failures.push(`before the call only ${activeBefore} of ${sample.length} sampled tokens are active`);

  // 3. the call, timed from the bench
  const creationBefore = new Date().toISOString();
  const tCall = performance.now();
  const res = await fetch(`${baseUrl}${BATCH_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminBearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ creationBefore }),
  });
  const text = await res.text();
  const ms = performance.now() - tCall;
  let count = null;
  try {
    count = JSON.parse(text).count ?? null;
  } catch {
    // reported below
  }
  if (res.status !== 200) failures.push(`call: HTTP ${res.status} ${text.slice(0, 300)}`);
  const exact = count === liveTokens;
  if (!exact) failures.push(`count ${count}, ${liveTokens} live tokens were issued`);

  // 4. afterwards: the sample inactive, the other tenants' tokens still active
  const activeAfter = await countActive(baseUrl, rootAdmin, sample);
  if (activeAfter !== 0) failures.push(`after the call ${activeAfter} of ${sample.length} sampled tokens are still active`);
  const othersActive = await countActive(baseUrl, rootAdmin, others);
  if (othersActive !== others.length)
    failures.push(`after the call only ${othersActive} of ${others.length} tokens of other tenants are active`);

  const row = {
    size,
    tenantPath,
    liveTokens,
    tokens: { clientCredentials: ccIssued, userAccess, refresh: userRefresh, adminBearer: 1 },
    issuance: {
      ms: Math.round(issueMs),
      perSec: ccIssued / (issueMs / 1000),
      connections: Math.min(connections, ccTarget),
      latencyMs: load.latencyMs ?? null,
    },
    flushWaitMs: Math.round(flushWaitMs),
    issuanceBuckets: inDb.buckets,
    creationBefore,
    status: res.status,
    count,
    exact,
    ms,
    sample: { tokens: sample.length, activeBefore, activeAfter },
    otherTenants: { tokens: others.map((o) => o.kind), activeAfter: othersActive },
    failures,
    phaseMs: Math.round(performance.now() - t0),
  };
  log(
    `batch revocation ${tenantPath}: ${liveTokens} live tokens (${ccIssued} client_credentials at ${Math.round(row.issuance.perSec)}/s, ${userAccess}+${userRefresh} user access+refresh, 1 admin bearer; ` +
      `${inDb.buckets} counter rows, flushed after ${row.flushWaitMs} ms) → HTTP ${res.status} count ${count} (${exact ? 'exact' : 'MISMATCH'}) in ${ms.toFixed(1)} ms; ` +
      `sample ${activeBefore}/${sample.length} active before, ${activeAfter} after; other tenants ${othersActive}/${others.length} active${failures.length ? `; FAILURES: ${failures.join('; ')}` : ''}`,
  );
  return row;
}

module.exports = { batchRevocationRun };
