'use strict';
// Issue 23's federated sign-in row: the server's own work for a sign-in through an upstream OpenID
// Provider, against a local password sign-in at the same sign-in page, in the same run.
//
// The upstream is a minimal OpenID Provider in this process (discovery, JWKS, an authorization
// endpoint that approves at once, a token endpoint that returns an ES256 ID token); its handlers
// time themselves, so what the upstream costs is known. Both sign-ins start from a fresh browser
// (cookie jar) at the sign-in page of tenant /bench-fed's issuer ({I} = {ISSUER}/t/bench-fed) for
// a first-party code-flow client; the page itself (GET {I}/authorize) is not part of either:
//
//   password:  POST {I}/authorize/login (username + password) → 303 to the redirect URI with a code
//              (argon2id verify, session, code);
//   federated: POST {I}/authorize/login (provider=…) → 303 to the upstream; the upstream's
//              authorization endpoint → 302 to {I}/federation/bench-op/callback; the callback
//              (the server redeems the upstream code at the upstream's token endpoint, checks the
//              ID token, finds the linked user, starts the session) → 200 "Signed in" page; its
//              refresh target GET {I}/authorize/federated → 302 to the redirect URI with a code.
//
// One sign-in at a time, alternating password and federated, so each window holds one sign-in's
// work only. Server CPU per sign-in = the delta of the server process's CPU time (every thread,
// argon2's pool included: /proc/<pid>/task/*/schedstat, read from outside) over the sign-in's
// requests; the upstream runs in this process, so none of its work is in it. Server wall time per
// sign-in = the latency of the server's requests, less the upstream's token handler time for the
// callback (measured in the handler). The first federated sign-in creates the user (just in time)
// and discovers the upstream; warm-up sign-ins of both kinds run before the measured ones.

const fs = require('node:fs');
const http = require('node:http');
const { randomBytes } = require('node:crypto');

const TENANT = '/bench-fed';
const ALIAS = 'bench-op';
const REDIRECT_URI = 'https://app.bench.example/federated-callback';
const PASSWORD = 'bench-federation-password-0123456789';
const UPSTREAM_CLIENT = { id: 'tenant-idp', secret: `upstream-${randomBytes(12).toString('hex')}` };

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' };
const decode = (text) => text.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e) => ENTITIES[e]);
const hiddenFields = (page) => {
  const out = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]] = decode(m[2]);
  return out;
};

/** CPU time (ms) of every thread of a process, by thread id. */
function threadCpu(pid) {
  const out = new Map();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(tid, Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}
/** CPU ms a process spent since `before` (threads in both readings; a thread that ended took its time with it, rare in a pool). */
function cpuSince(pid, before) {
  let ms = 0;
  for (const [tid, now] of threadCpu(pid)) ms += now - (before.get(tid) ?? now);
  return ms;
}

/** A minimal OpenID Provider on 127.0.0.1: every authorization request is approved for one subject at once. */
async function startUpstream() {
  const jose = await import('jose');
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'bench-upstream', alg: 'ES256', use: 'sig' };
  const codes = new Map();
  const timing = { tokenMs: 0, tokens: 0, discovery: 0, jwks: 0 };
  let issuer = '';
  const json = (res, status, body) =>
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url, issuer);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      if (url.pathname === '/.well-known/openid-configuration') {
        timing.discovery++;
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic'],
        });
      }
      if (url.pathname === '/jwks') {
        timing.jwks++;
        return json(res, 200, { keys: [jwk] });
      }
      if (url.pathname === '/authorize') {
        const code = randomBytes(24).toString('base64url');
        const q = url.searchParams;
        codes.set(code, { nonce: q.get('nonce'), clientId: q.get('client_id'), redirectUri: q.get('redirect_uri') });
        const back = new URL(q.get('redirect_uri'));
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state'));
        return res.writeHead(302, { location: back.href }).end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        // client_secret_basic: both parts form-urlencoded before base64 (RFC 6749 §2.3.1)
        const [id, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
          .toString()
          .split(':')
          .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
        const grant = codes.get(form.get('code'));
        codes.delete(form.get('code'));
        if (
          id !== UPSTREAM_CLIENT.id ||
          secret !== UPSTREAM_CLIENT.secret ||
          !grant ||
          form.get('redirect_uri') !== grant.redirectUri ||
          !form.get('code_verifier')
        )
          return json(res, 400, { error: 'invalid_grant' });
        const now = Math.floor(Date.now() / 1000);
        const idToken = await new jose.SignJWT({
          nonce: grant.nonce,
          email: 'ada@fed.bench.example',
          email_verified: true,
          preferred_username: 'ada',
        })
          .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
          .setIssuer(issuer)
          .setSubject('upstream-subject-ada')
          .setAudience(grant.clientId)
          .setIssuedAt(now)
          .setExpirationTime(now + 300)
          .sign(privateKey);
        json(res, 200, { access_token: randomBytes(24).toString('base64url'), token_type: 'Bearer', expires_in: 300, id_token: idToken });
        timing.tokenMs += performance.now() - started;
        timing.tokens++;
        return undefined;
      }
      return json(res, 404, { error: 'not_found' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${server.address().port}`;
  return { issuer, timing, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A browser of its own: cookies by name (each flow has its own jar; names do not repeat across paths here). */
function browser() {
  const jar = {};
  const request = async (url, init = {}) => {
    const cookie = Object.entries(jar)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const started = performance.now();
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers || {}), ...(cookie ? { cookie } : {}) } });
    const body = await res.text();
    const ms = performance.now() - started;
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const eq = pair.indexOf('=');
      jar[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return { status: res.status, location: res.headers.get('location'), body, ms };
  };
  const post = (url, fields) =>
    request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  return { request, post, jar };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * @param {{ baseUrl: string, sdk: any, serverPid: number, signIns?: number, warmup?: number, log: (s: string) => void }} o
 */
async function measureFederatedSignIn(o) {
  const signIns = o.signIns ?? Number(process.env.BENCH_FEDERATED_SIGNINS || 40);
  const warmup = o.warmup ?? 3;
  const upstream = await startUpstream();
  try {
    await o.sdk.createTenant({ input: { path: TENANT, signingAlgorithm: 'ES256' } });
    const { createClient: app } = await o.sdk.createClient({
      input: {
        tenantPath: TENANT,
        clientId: 'bench-fed-web',
        name: 'bench federated web app',
        firstParty: true,
        grantTypes: ['authorization_code'],
        redirectUris: [REDIRECT_URI],
        allowedScopes: ['openid', 'profile', 'email'],
      },
    });
    await o.sdk.createUser({
      input: { tenantPath: TENANT, username: 'bench-fed-local', password: PASSWORD, email: 'local@fed.bench.example' },
    });
    await o.sdk.createIdentityProvider({
      input: {
        tenantPath: TENANT,
        kind: 'OIDC',
        alias: ALIAS,
        name: 'Bench upstream',
        issuer: upstream.issuer,
        clientId: UPSTREAM_CLIENT.id,
        clientSecret: UPSTREAM_CLIENT.secret,
        scopes: ['openid', 'email', 'profile'],
        trustEmailVerified: true,
      },
    });
    const issuer = `${o.baseUrl}/t/${TENANT.slice(1)}`;

    /** The sign-in page of a fresh authorization request (not measured): the browser and the form's hidden fields. */
    const signInPage = async () => {
      const b = browser();
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: app.client.clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'openid profile email',
        state: randomBytes(8).toString('hex'),
        nonce: randomBytes(8).toString('hex'),
        code_challenge: 'tw-Tb_vbPJPnVwhF9jD94eQ80aAl2JaGiT1gydOIwH0',
        code_challenge_method: 'S256',
      });
      const page = await b.request(`${issuer}/authorize?${query}`);
      if (page.status !== 200) throw new Error(`federated bench: sign-in page HTTP ${page.status}: ${page.body.slice(0, 300)}`);
      // the hidden inputs the page's forms share (pending, csrf_token); `provider` belongs to the "Sign in with" button's form only
      const { provider: _button, ...fields } = hiddenFields(page.body);
      return { b, fields };
    };
    const codeIn = (res, what) => {
      if (![302, 303].includes(res.status) || !res.location?.startsWith(REDIRECT_URI) || !new URL(res.location).searchParams.get('code'))
        throw new Error(`federated bench: ${what} did not end with a code: HTTP ${res.status} ${res.location ?? res.body.slice(0, 300)}`);
    };

    /** One password sign-in: { cpuMs, serverMs }. */
    const password = async () => {
      const { b, fields } = await signInPage();
      const cpu0 = threadCpu(o.serverPid);
      const login = await b.post(`${issuer}/authorize/login`, { ...fields, username: 'bench-fed-local', password: PASSWORD });
      const cpuMs = cpuSince(o.serverPid, cpu0);
      codeIn(login, 'password sign-in');
      return { cpuMs, serverMs: login.ms };
    };

    /** One federated sign-in: { cpuMs, serverMs, upstreamMs } (cpuMs and serverMs exclude the upstream). */
    const federated = async () => {
      const { b, fields } = await signInPage();
      let cpuMs = 0;
      const steps = [];
      const server = async (step) => {
        const cpu0 = threadCpu(o.serverPid);
        const out = await step();
        const ms = cpuSince(o.serverPid, cpu0);
        cpuMs += ms;
        steps.push(ms);
        return out;
      };
      const start = await server(() => b.post(`${issuer}/authorize/login`, { ...fields, provider: ALIAS }));
      if (start.status !== 303 || !start.location?.startsWith(upstream.issuer))
        throw new Error(`federated bench: no redirect to the upstream: HTTP ${start.status} ${start.body.slice(0, 300)}`);
      const approved = await b.request(start.location); // the upstream's authorization endpoint: not the server's work
      const tokenBefore = upstream.timing.tokenMs;
      const callback = await server(() => b.request(approved.location));
      const upstreamMs = upstream.timing.tokenMs - tokenBefore;
      const next = /url=([^"]+)"/.exec(callback.body)?.[1];
      if (callback.status !== 200 || !next)
        throw new Error(
          `federated bench: callback HTTP ${callback.status}: ${callback.body
            .replace(/<style[^]*?<\/style>/g, '')
            .replace(/<[^>]+>/g, ' ')
            .replace(/\s+/g, ' ')
            .slice(0, 400)}`,
        );
      const resume = await server(() => b.request(new URL(decode(next), issuer).href));
      codeIn(resume, 'federated sign-in');
      return { cpuMs, serverMs: start.ms + callback.ms - upstreamMs + resume.ms, upstreamMs, steps };
    };

    for (let i = 0; i < warmup; i++) {
      await password();
      await federated();
    }
    const rows = { password: [], federated: [] };
    for (let i = 0; i < signIns; i++) {
      // alternate which goes first, so drift on the shared machine falls on both
      if (i % 2 === 0) {
        rows.password.push(await password());
        rows.federated.push(await federated());
      } else {
        rows.federated.push(await federated());
        rows.password.push(await password());
      }
    }
    const summary = (list) => ({
      signIns: list.length,
      cpuMsMean: mean(list.map((r) => r.cpuMs)),
      cpuMsMedian: median(list.map((r) => r.cpuMs)),
      serverMsMedian: median(list.map((r) => r.serverMs)),
      ...(list[0]?.upstreamMs !== undefined ? { upstreamTokenMsMedian: median(list.map((r) => r.upstreamMs)) } : {}),
      // federated: server CPU of the start (POST), the callback and the resume (GET /authorize/federated)
      ...(list[0]?.steps ? { cpuMsMeanByStep: [0, 1, 2].map((i) => mean(list.map((r) => r.steps[i]))) } : {}),
    });
    const out = {
      password: summary(rows.password),
      federated: summary(rows.federated),
      upstreamCalls: { ...upstream.timing },
    };
    out.cpuRatio = out.federated.cpuMsMean / out.password.cpuMsMean;
    const f = (x) => (x === null ? 'n/a' : x.toFixed(2));
    o.log(
      `federated sign-in: ${signIns} of each, one at a time; server CPU per sign-in: password ${f(out.password.cpuMsMean)} ms (median ${f(out.password.cpuMsMedian)}), ` +
        `federated ${f(out.federated.cpuMsMean)} ms (median ${f(out.federated.cpuMsMedian)}), ratio ${f(out.cpuRatio)}; ` +
        `server latency median: password ${f(out.password.serverMsMedian)} ms, federated ${f(out.federated.serverMsMedian)} ms without the upstream's token handler (${f(out.federated.upstreamTokenMsMedian)} ms); ` +
        `upstream calls: ${upstream.timing.tokens} token, ${upstream.timing.discovery} discovery, ${upstream.timing.jwks} JWKS`,
    );
    return out;
  } finally {
    await upstream.close();
  }
}

module.exports = { measureFederatedSignIn };
