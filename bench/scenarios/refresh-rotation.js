'use strict';
// refresh_token rotation: every request presents the refresh token the previous
// response returned (one chain per connection, started by a password grant with
// offline_access). Each response signs an access token and an ID token.

module.exports = {
  name: 'refresh_token rotation',
  route: '/token',
  ceiling: 'RS256',
  signaturesPerRequest: 2,
  async setup(ctx) {
    // fresh chains for every run: a request cut off by the end of a run leaves its
    // chain's last token rotated server-side, and reusing it would revoke the family
    const grants = await ctx.passwordGrants(ctx.connections, 'openid profile offline_access');
    const chains = grants.map((g) => ({ token: g.refresh_token }));
    let next = 0;
    return {
      method: 'POST',
      path: '/token',
      headers: { 'content-type': ctx.FORM, authorization: ctx.basic(ctx.seed.clients.userApp) },
      setupClient(client) {
        const chain = chains[next++ % chains.length];
        client.setRequests([
          {
            setupRequest: (req) => ({ ...req, body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(chain.token)}` }),
            onResponse: (status, body) => {
              if (status === 200) chain.token = JSON.parse(body).refresh_token;
            },
          },
        ]);
      },
      verify: (status, body) => body.includes('"refresh_token"'),
    };
  },
};
