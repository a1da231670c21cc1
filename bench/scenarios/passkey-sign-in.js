'use strict';
// Issue 22: "Sign in with a passkey" (a passkey alone, WebAuthn) at POST /authorize/passkey, the
// form the sign-in page posts once the browser has signed the page's challenge. No argon2 on this
// path: the server opens the sealed challenge, reads the credential (one query), verifies the
// ES256 assertion, claims the challenge in the replay table, advances the credential's counter and
// last use, starts a session and issues an authorization code (a first-party client: no consent),
// answering 303 to the redirect URI with `code`.
//
// seed(): a first-party code-flow client and a user of /bench-rs of their own (so the password
// grant rows keep users without a second factor), and a passkey registered for that user through
// the real HTTP ceremony of the account page (password sign-in, GET /account, POST
// /account/passkeys) by the software authenticator the tests use (tests/support/soft-authenticator.cjs).
// The passkey keeps no signature counter (a synced passkey's 0), since 16 connections answer out of
// order; the single-use challenge is what stops a replay.
//
// setup(): before each run, BENCH_PASSKEY_REQUESTS single-use sign-ins (default 3000, quick 800)
// are made ahead: for each, a fresh authorization request (GET /authorize, not measured) gives
// the sign-in page with its passkey ticket and challenge, the sealed pending request and the
// browser binding cookie, and the soft authenticator signs the challenge. The measured run sends
// each exactly once (a shared cursor over the prepared requests; autocannon's `amount` bounded by
// their number) and every answer must be the 303 to the redirect URI with a code.

const { SoftAuthenticator, passkeyFormOf } = require('../../tests/support/soft-authenticator.cjs');

const TENANT = '/bench-rs';
const REDIRECT_URI = 'https://app.bench.example/callback';
const PASSWORD = 'bench-passkey-user-password-0123456789';
const CONCURRENCY = 8;

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' };
const decode = (text) => text.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e) => ENTITIES[e]);

/** The hidden inputs of a page, by name (the last one wins; the forms of a page share their values). */
function hiddenFields(page) {
  const out = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) out[m[1]] = decode(m[2]);
  return out;
}

/** The `name=value` pairs a response sets (attributes dropped), to send back as a Cookie header. */
function cookiesOf(res) {
  return Object.fromEntries(
    res.headers.getSetCookie().map((line) => {
      const pair = line.split(';')[0];
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
    }),
  );
}
const cookieHeader = (jar) =>
  Object.entries(jar)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

async function page(ctx, path, jar, init = {}) {
  const res = await fetch(`${ctx.baseUrl}${path}`, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers || {}), ...(Object.keys(jar).length ? { cookie: cookieHeader(jar) } : {}) },
  });
  Object.assign(jar, cookiesOf(res));
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}
const postForm = (ctx, path, jar, fields) =>
  page(ctx, path, jar, { method: 'POST', headers: { 'content-type': ctx.FORM }, body: ctx.form(fields) });

/** The passkey registered on the account page: password sign-in, then the account page's "Add a passkey" ceremony. */
async function registerPasskey(ctx, user, authenticator) {
  const jar = {};
  const signIn = await page(ctx, `/account/sign-in?${new URLSearchParams({ tenant: TENANT })}`, jar);
  if (signIn.status !== 200) throw new Error(`passkey bench: account sign-in page HTTP ${signIn.status}`);
  const login = await postForm(ctx, '/authorize/login', jar, {
    ...hiddenFields(signIn.body),
    username: user.username,
    password: user.password,
  });
  if (login.status !== 303 || !jar.idp_session)
    throw new Error(`passkey bench: account sign-in HTTP ${login.status}: ${login.body.slice(0, 300)}`);
  const account = await page(ctx, '/account', jar);
  if (account.status !== 200) throw new Error(`passkey bench: account page HTTP ${account.status}`);
  const form = passkeyFormOf(account.body);
  const added = await postForm(ctx, form.action, jar, {
    csrf_token: hiddenFields(account.body).csrf_token,
    passkey_ticket: form.ticket,
    response: authenticator.register(form.options),
    name: 'bench passkey',
  });
  if (added.status !== 303) throw new Error(`passkey bench: registration HTTP ${added.status}: ${added.body.slice(0, 400)}`);
}

/** One single-use sign-in: a fresh authorization request's sign-in page, its challenge signed. */
async function prepareSignIn(ctx, client, authenticator) {
  const jar = {};
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    state: Math.random().toString(36).slice(2),
    // S256 of the verifier "bench-passkey-verifier-0123456789-0123456789" (the code is never redeemed)
    code_challenge: 'tw-Tb_vbPJPnVwhF9jD94eQ80aAl2JaGiT1gydOIwH0',
    code_challenge_method: 'S256',
  });
  const signIn = await page(ctx, `/authorize?${query}`, jar);
  if (signIn.status !== 200) throw new Error(`passkey bench: sign-in page HTTP ${signIn.status}: ${signIn.body.slice(0, 300)}`);
  const form = passkeyFormOf(signIn.body);
  const fields = hiddenFields(signIn.body);
  return {
    body: ctx.form({
      pending: fields.pending,
      csrf_token: fields.csrf_token,
      passkey_ticket: form.ticket,
      response: authenticator.assert(form.options.challenge),
    }),
    cookie: cookieHeader(jar),
  };
}

module.exports = {
  name: 'passkey sign-in (POST /authorize/passkey)',
  route: '/authorize/passkey',
  ceiling: null,
  async seed(ctx) {
    const { sdk } = ctx.seed;
    const { createClient: out } = await sdk.createClient({
      input: {
        tenantPath: TENANT,
        clientId: 'bench-rs-web',
        name: 'bench web app',
        firstParty: true,
        grantTypes: ['authorization_code'],
        redirectUris: [REDIRECT_URI],
        allowedScopes: ['openid', 'profile'],
      },
    });
    const { createUser: u } = await sdk.createUser({
      input: { tenantPath: TENANT, username: 'bench-passkey-user', password: PASSWORD, email: 'passkey@bench.example' },
    });
    const issuer = new URL((await (await fetch(`${ctx.baseUrl}/.well-known/openid-configuration`)).json()).issuer);
    const authenticator = new SoftAuthenticator({
      rpId: issuer.hostname,
      origin: issuer.origin,
      counter: 0,
      counting: false,
      backupEligible: true,
    });
    await registerPasskey(ctx, { username: u.username, password: PASSWORD }, authenticator);
    ctx.cache.set('passkey', { client: { clientId: out.client.clientId }, authenticator });
  },
  async setup(ctx) {
    const { client, authenticator } = ctx.cache.get('passkey');
    const count = Number(process.env.BENCH_PASSKEY_REQUESTS || (process.env.BENCH_QUICK === '1' ? 800 : 3000));
    // Every connection builds one request more than it sends (autocannon builds the next after each answer).
    const prepared = new Array(count + ctx.connections * 2);
    let made = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (made < prepared.length) {
          const i = made++;
          prepared[i] = await prepareSignIn(ctx, client, authenticator);
        }
      }),
    );
    let next = 0;
    const take = (req) => {
      const one = prepared[Math.min(next++, prepared.length - 1)];
      return { ...req, body: one.body, headers: { ...req.headers, cookie: one.cookie } };
    };
    return {
      method: 'POST',
      path: '/authorize/passkey',
      headers: { 'content-type': ctx.FORM },
      maxRequests: count,
      expectStatus: 303,
      setupClient(c) {
        c.setRequests([{ method: 'POST', path: '/authorize/passkey', headers: { 'content-type': ctx.FORM }, setupRequest: take }]);
      },
      verify: (status, body, headers) => {
        const location = headers.location || '';
        return location.startsWith(`${REDIRECT_URI}?`) && /[?&]code=/.test(location) && !/[?&]error=/.test(location);
      },
    };
  },
};
