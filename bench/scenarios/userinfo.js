'use strict';
// OIDC /userinfo with a user's bearer access token.

const userTokens = require('./_user-tokens');

module.exports = {
  name: 'userinfo',
  route: '/userinfo',
  ceiling: 'RS256',
  async setup(ctx) {
    const tokens = await userTokens(ctx);
    let next = 0;
    return {
      method: 'GET',
      path: '/userinfo',
      setupClient(client) {
        client.setHeaders({ authorization: `Bearer ${tokens[next++ % tokens.length]}` });
      },
      verify: (status, body) => body.includes('"sub"'),
    };
  },
};
