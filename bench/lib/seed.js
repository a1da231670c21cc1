'use strict';
// Seeds the benchmark data through the real API: an admin client_credentials
// token, then the typed GraphQL SDK (dist/sdk/client.js) for tenants, clients
// and users. Exactly 10 clients exist afterwards (the admin client included),
// the "10 clients" data size of the growth comparison.

const path = require('node:path');
const { REPO } = require('./server');
const { FORM } = require('./load');

const { createAdminSdk } = require(path.join(REPO, 'dist', 'sdk', 'client.js'));

const USER_PASSWORD = 'bench-user-password-0123456789';

const basic = (c) => `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.secret)}`).toString('base64')}`;
const form = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined)).toString();

async function tokenRequest(baseUrl, client, params) {
  const res = await fetch(`${baseUrl}/token`, {
    method: 'POST',
    headers: { authorization: basic(client), 'content-type': FORM },
    body: form(params),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`POST /token ${params.grant_type} as ${client.clientId}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function createClient(sdk, input) {
  const { createClient: out } = await sdk.createClient({ input });
  return { clientId: out.client.clientId, secret: out.clientSecret, id: out.client.id, tenantPath: out.client.tenantPath };
}

/** Base data shared by every scenario. */
async function seedBase(baseUrl, adminSecret) {
  const admin = { clientId: 'admin', secret: adminSecret };
  const adminToken = (await tokenRequest(baseUrl, admin, { grant_type: 'client_credentials', scope: 'admin' })).access_token;
  const sdk = createAdminSdk(baseUrl, adminToken);

  const tenants = {
    rs: (await sdk.createTenant({ input: { path: '/bench-rs', signingAlgorithm: 'RS256' } })).createTenant,
    es: (await sdk.createTenant({ input: { path: '/bench-es', signingAlgorithm: 'ES256' } })).createTenant,
  };
  const cc = (tenantPath, i) =>
    createClient(sdk, {
      tenantPath,
      clientId: `${tenantPath.slice(1)}-cc-${i}`,
      name: `bench cc ${i}`,
      grantTypes: ['client_credentials'],
      allowedScopes: ['read', 'write'],
    });
  const clients = {
    ccRs: await Promise.all([1, 2, 3, 4].map((i) => cc('/bench-rs', i))),
    ccEs: await Promise.all([1, 2, 3].map((i) => cc('/bench-es', i))),
    // first-party app using the password grant (seed 003) and refresh rotation
    userApp: await createClient(sdk, {
      tenantPath: '/bench-rs',
      clientId: 'bench-rs-app',
      name: 'bench user app',
      firstParty: true,
      grantTypes: ['password', 'refresh_token'],
      allowedScopes: ['openid', 'profile', 'email', 'offline_access'],
    }),
    // a resource server that introspects tokens
    resource: await createClient(sdk, {
      tenantPath: '/bench-rs',
      clientId: 'bench-rs-api',
      name: 'bench resource server',
      grantTypes: ['client_credentials'],
      allowedScopes: ['read'],
    }),
  };
  const users = await Promise.all(
    [1, 2, 3, 4].map(async (i) => {
      const { createUser: u } = await sdk.createUser({
        input: {
          tenantPath: '/bench-rs',
          username: `bench-user-${i}`,
          password: USER_PASSWORD,
          email: `user${i}@bench.example`,
          firstname: 'Bench',
          lastname: `User ${i}`,
        },
      });
      return { id: u.id, username: u.username, password: USER_PASSWORD };
    }),
  );
  return { admin, adminToken, sdk, tenants, clients, users };
}

/** The per-scenario context: seeded data plus helpers. */
function makeContext(baseUrl, seed, connections) {
  let nextUser = 0;
  const ctx = {
    baseUrl,
    connections,
    seed,
    sdk: seed.sdk,
    FORM,
    basic,
    form,
    token: (client, params) => tokenRequest(baseUrl, client, params),
    /** A password grant for the next seeded user (round-robin), through the user app. */
    passwordGrant: (scope) => {
      const user = seed.users[nextUser++ % seed.users.length];
      return tokenRequest(baseUrl, seed.clients.userApp, {
        grant_type: 'password',
        username: user.username,
        password: user.password,
        scope,
      });
    },
    /** `count` password grants, a few at a time (argon2 is deliberately slow). */
    async passwordGrants(count, scope) {
      const out = [];
      for (let i = 0; i < count; i += 4) {
        out.push(...(await Promise.all(Array.from({ length: Math.min(4, count - i) }, () => ctx.passwordGrant(scope)))));
      }
      return out;
    },
    /** Memoised per-context values (e.g. user tokens shared by introspection and userinfo). */
    cache: new Map(),
    once(key, fn) {
      if (!this.cache.has(key)) this.cache.set(key, fn());
      return this.cache.get(key);
    },
  };
  return ctx;
}

module.exports = { seedBase, makeContext, createClient, basic, form, tokenRequest };

/** The same seeded data against a restarted server (new port): fresh admin token and SDK. */
async function reconnectSeed(seed, baseUrl) {
  const adminToken = (await tokenRequest(baseUrl, seed.admin, { grant_type: 'client_credentials', scope: 'admin' })).access_token;
  return { ...seed, adminToken, sdk: createAdminSdk(baseUrl, adminToken) };
}

module.exports.reconnectSeed = reconnectSeed;
