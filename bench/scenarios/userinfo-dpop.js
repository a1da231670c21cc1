'use strict';
// OIDC /userinfo with a DPoP-bound user access token: `Authorization: DPoP` and a fresh proof
// (htm, htu, ath) per request (RFC 9449 §7.1). Warm, the proof's jti insert is its one query.

const { dpopSigner, issuerOf } = require('../lib/dpop');

module.exports = {
  name: 'userinfo DPoP',
  route: '/userinfo',
  ceiling: 'RS256',
  async setup(ctx) {
    const issuer = await issuerOf(ctx.baseUrl);
    // The tokens are bound to this key, and setup runs again for every run: both are made once.
    const { signer, tokens } = await ctx.once('userTokensDpop', async () => {
      const signer = dpopSigner();
      const out = [];
      for (let i = 0; i < ctx.connections; i++) {
        const user = ctx.seed.users[i % ctx.seed.users.length];
        const res = await fetch(`${ctx.baseUrl}/token`, {
          method: 'POST',
          headers: {
            authorization: ctx.basic(ctx.seed.clients.userApp),
            'content-type': ctx.FORM,
            dpop: signer.proof('POST', `${issuer}/token`),
          },
          body: ctx.form({ grant_type: 'password', username: user.username, password: user.password, scope: 'openid profile email' }),
        });
        const body = await res.json();
        if (!res.ok || body.token_type !== 'DPoP') throw new Error(`DPoP password grant: HTTP ${res.status} ${JSON.stringify(body)}`);
        out.push(body.access_token);
      }
      return { signer, tokens: out };
    });
    const htu = `${issuer}/userinfo`;
    let next = 0;
    return {
      method: 'GET',
      path: '/userinfo',
      setupClient(client) {
        const token = tokens[next++ % tokens.length];
        client.setRequests([
          {
            method: 'GET',
            path: '/userinfo',
            setupRequest: (req) => ({
              ...req,
              headers: { ...req.headers, authorization: `DPoP ${token}`, dpop: signer.proof('GET', htu, token) },
            }),
          },
        ]);
      },
      verify: (status, body) => body.includes('"sub"'),
    };
  },
};
