'use strict';
// RFC 7662 introspection of a user's access token by a resource server
// (client_secret_basic). A 200 with {"active":false} counts as a failure.

const userTokens = require('./_user-tokens');

module.exports = {
  name: 'introspection',
  route: '/introspect',
  ceiling: 'RS256',
  async setup(ctx) {
    const tokens = await userTokens(ctx);
    let next = 0;
    return {
      method: 'POST',
      path: '/introspect',
      headers: { 'content-type': ctx.FORM, authorization: ctx.basic(ctx.seed.clients.resource) },
      setupClient(client) {
        client.setBody(`token=${tokens[next++ % tokens.length]}&token_type_hint=access_token`);
      },
      verify: (status, body) => body.includes('"active":true'),
    };
  },
};
