'use strict';
// Seed 001 POST /api with a user's bearer access token (the same tokens as /userinfo).

const userTokens = require('./_user-tokens');

module.exports = {
  name: 'seed 001 /api',
  route: '/api',
  ceiling: 'RS256',
  async setup(ctx) {
    const tokens = await userTokens(ctx);
    let next = 0;
    return {
      method: 'POST',
      path: '/api',
      headers: { 'content-type': ctx.FORM },
      setupClient(client) {
        client.setHeaders({ 'content-type': ctx.FORM, authorization: `Bearer ${tokens[next++ % tokens.length]}` });
      },
      verify: (status, body) => body.includes('"status":"SUCCESS"'),
    };
  },
};
