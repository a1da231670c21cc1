'use strict';
// RFC 8693 token exchange by impersonation (issue 21): a confidential client of /bench-rs,
// allowed impersonation by its tenant admin, trades a seeded user's access token (one per
// connection, as introspection presents them) for one of the same user with scope `email`.
// The subject token goes through the same verification as introspection, then a token is
// signed: compare with introspection (verify) plus client_credentials (sign).

const userTokens = require('./_user-tokens');

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

module.exports = {
  name: 'token exchange (impersonation)',
  route: '/token',
  ceiling: 'RS256',
  async seed(ctx) {
    const { createClient: out } = await ctx.seed.sdk.createClient({
      input: {
        tenantPath: '/bench-rs',
        clientId: 'bench-rs-exchanger',
        name: 'bench token exchange',
        grantTypes: [GRANT],
        allowedScopes: ['openid', 'profile', 'email'],
        tokenExchange: { impersonation: true },
      },
    });
    ctx.cache.set('exchanger', { clientId: out.client.clientId, secret: out.clientSecret });
  },
  async setup(ctx) {
    const tokens = await userTokens(ctx);
    const exchanger = ctx.cache.get('exchanger');
    let next = 0;
    return {
      method: 'POST',
      path: '/token',
      headers: { 'content-type': ctx.FORM, authorization: ctx.basic(exchanger) },
      setupClient(client) {
        client.setBody(
          ctx.form({ grant_type: GRANT, subject_token: tokens[next++ % tokens.length], subject_token_type: ACCESS_TOKEN, scope: 'email' }),
        );
      },
      verify: (status, body) => status === 200 && body.includes('"issued_token_type"') && body.includes('"scope":"email"'),
    };
  },
};
