'use strict';
// The soak's request loops. Each loop runs until `stop()` says so, records
// every answer in the ledger, and keeps what it needs for the final checks:
// revoked tokens, spent refresh tokens, created clients and their secrets.

const { basic, postForm, graphql } = require('./http');

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const oauthError = (r) => (r.body && typeof r.body.error === 'string' ? r.body.error : undefined);

function traffic({ baseUrl, seed, ledger, stop, reuseGraceSeconds = 0 }) {
  const { cc, app, resource, users, adminToken } = seed;
  const state = {
    recentAccessTokens: [], // active, never revoked: introspection must say active
    revoked: [], // revocations answered 200: must stay inactive forever
    chains: [], // { spent: [refresh tokens answered 200 once], current }
    createdClients: [], // { clientId, secret } answered 200
    unansweredClients: [], // clientIds whose createClient got no success answer
    retries: { retried: 0, succeeded: 0 }, // refreshes presented again after a 5xx or no answer
  };
  const remember = (token) => {
    state.recentAccessTokens.push(token);
    if (state.recentAccessTokens.length > 50) state.recentAccessTokens.shift();
  };

  async function clientCredentials() {
    while (!stop()) {
      const r = await postForm(`${baseUrl}/token`, { grant_type: 'client_credentials' }, { authorization: basic(cc.clientId, cc.secret) });
      if (ledger.record('client_credentials', r.status, oauthError(r)) === 'ok' && r.status === 200) remember(r.body.access_token);
      else if (r.status !== 200 && r.status < 500 && r.status !== 0) ledger.violate('client_credentials refused', JSON.stringify(r.body));
    }
  }

  async function refreshChain(index) {
    const user = users[index % users.length];
    const chain = { spent: [], current: null, ambiguous: new Set() };
    state.chains.push(chain);
    while (!stop() && !chain.current) {
      const r = await postForm(
        `${baseUrl}/token`,
        { grant_type: 'password', username: user.username, password: user.password, scope: 'openid offline_access' },
        { authorization: basic(app.clientId, app.secret) },
      );
      ledger.record('password', r.status, oauthError(r));
      if (r.status === 200) chain.current = r.body.refresh_token;
      else await pause(200);
    }
    let retrying = false;
    while (!stop()) {
      const presented = chain.current;
      if (retrying) state.retries.retried++;
      const r = await postForm(
        `${baseUrl}/token`,
        { grant_type: 'refresh_token', refresh_token: presented },
        { authorization: basic(app.clientId, app.secret) },
      );
      ledger.record('refresh_token', r.status, oauthError(r));
      if (r.status === 200) {
        if (retrying) state.retries.succeeded++;
        retrying = false;
        chain.spent.push(presented);
        chain.current = r.body.refresh_token;
        if (r.body.access_token) remember(r.body.access_token);
      } else if (r.status === 0) {
        // No answer at all: the rotation may or may not have happened. Under a reuse grace the retry gets
        // the successor either way; under strict rotation a refusal is not a promise the server can keep.
        if (reuseGraceSeconds === 0) chain.ambiguous.add(presented);
        retrying = true;
        await pause(100);
      } else if (r.status >= 500) {
        retrying = true;
        await pause(100); // "not done" (nothing committed), or done with the answer lost: the same token must still work
      } else {
        if (!chain.ambiguous.has(presented))
          ledger.violate('refresh token refused that was never redeemed', `${r.status} ${JSON.stringify(r.body)}`);
        return;
      }
    }
  }

  async function introspection() {
    while (!stop()) {
      const token = state.recentAccessTokens[state.recentAccessTokens.length - 1];
      if (!token) {
        await pause(50);
        continue;
      }
      const r = await postForm(`${baseUrl}/introspect`, { token }, { authorization: basic(resource.clientId, resource.secret) });
      ledger.record('introspect', r.status, oauthError(r));
      if (r.status === 200 && r.body.active !== true) ledger.violate('live token introspected inactive', token.slice(-12));
    }
  }

  async function revocation() {
    // Tokens are issued ahead, so that revocations also happen while the database is down.
    const stock = [];
    while (!stop()) {
      while (stock.length < 20) {
        const issued = await postForm(
          `${baseUrl}/token`,
          { grant_type: 'client_credentials' },
          { authorization: basic(cc.clientId, cc.secret) },
        );
        ledger.record('client_credentials', issued.status, oauthError(issued));
        if (issued.status !== 200) break;
        stock.push(issued.body.access_token);
      }
      const token = stock.shift();
      if (!token) {
        await pause(100);
        continue;
      }
      const r = await postForm(
        `${baseUrl}/revoke`,
        { token, token_type_hint: 'access_token' },
        { authorization: basic(cc.clientId, cc.secret) },
      );
      ledger.record('revoke', r.status, oauthError(r));
      if (r.status === 200) state.revoked.push(token);
      else stock.push(token); // not revoked: try again later
      const check = await postForm(`${baseUrl}/introspect`, { token }, { authorization: basic(resource.clientId, resource.secret) });
      ledger.record('introspect', check.status, oauthError(check));
      if (r.status === 200 && check.status === 200 && check.body.active !== false)
        ledger.violate('revoked token still active', token.slice(-12));
      if (r.status !== 200) await pause(100);
    }
  }

  /** The admin token is valid for the whole run: an authentication error is a wrong answer, whatever the database does. */
  const refusedAdmin = (r) => {
    const status = graphqlStatus(r);
    if (status === 401 || status === 403) ledger.violate('valid admin token refused', graphqlError(r));
  };

  async function admin() {
    let n = 0;
    while (!stop()) {
      n++;
      if (n % 4 === 0) {
        const clientId = `soak-created-${n}`;
        const r = await graphql(
          baseUrl,
          adminToken,
          'mutation ($input: CreateClientInput!) { createClient(input: $input) { client { clientId } clientSecret } }',
          {
            input: { tenantPath: seed.tenantPath, clientId, name: `soak ${n}`, grantTypes: ['client_credentials'] },
          },
        );
        ledger.record('graphql createClient', graphqlStatus(r), graphqlError(r));
        refusedAdmin(r);
        if (graphqlStatus(r) === 200) state.createdClients.push({ clientId, secret: r.body.data.createClient.clientSecret });
        else state.unansweredClients.push(clientId);
      } else {
        const r = await graphql(
          baseUrl,
          adminToken,
          'query ($tenantPath: String) { clients(tenantPath: $tenantPath, first: 10) { totalCount nodes { clientId } } }',
          { tenantPath: seed.tenantPath },
        );
        ledger.record('graphql clients', graphqlStatus(r), graphqlError(r));
        refusedAdmin(r);
      }
      await pause(20);
    }
  }

  return {
    state,
    loops: () => [
      clientCredentials(),
      clientCredentials(),
      refreshChain(0),
      refreshChain(1),
      refreshChain(2),
      introspection(),
      revocation(),
      admin(),
    ],
  };
}

/** A GraphQL answer's effective status: 200 with errors counts as the error's kind. */
function graphqlStatus(r) {
  if (r.status !== 200) return r.status;
  const code = r.body?.errors?.[0]?.extensions?.code;
  if (!code) return 200;
  if (code === 'SERVICE_UNAVAILABLE') return 503;
  if (code === 'INTERNAL_SERVER_ERROR') return 500;
  if (code === 'UNAUTHENTICATED') return 401;
  return 400;
}

const graphqlError = (r) => r.body?.errors?.[0]?.extensions?.code ?? (r.status === 200 ? undefined : r.status);

module.exports = { traffic };
