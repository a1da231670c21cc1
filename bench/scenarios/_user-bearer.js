'use strict';
// Shared shape of the scenarios that present a seeded user's access token as
// `Authorization: Bearer`, one token per connection (/userinfo, seed 001 /api).

const userTokens = require('./_user-tokens');

module.exports = function userBearer({ name, route, method, form = false, verify }) {
  return {
    name,
    route,
    ceiling: 'RS256',
    async setup(ctx) {
      const tokens = await userTokens(ctx);
      const contentType = form ? { 'content-type': ctx.FORM } : {};
      let next = 0;
      return {
        method,
        path: route,
        headers: contentType,
        setupClient(client) {
          client.setHeaders({ ...contentType, authorization: `Bearer ${tokens[next++ % tokens.length]}` });
        },
        verify,
      };
    },
  };
};
