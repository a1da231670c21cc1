'use strict';
// client_credentials RS256 with a DPoP proof on every request (RFC 9449 §5): the proof's ES256
// signature check and its jti insert (the replay guard) on top of the plain request.

const { dpopSigner, issuerOf } = require('../lib/dpop');

module.exports = {
  name: 'client_credentials DPoP',
  route: '/token',
  ceiling: 'RS256',
  async setup(ctx) {
    const list = ctx.seed.clients.ccRs;
    const htu = `${await issuerOf(ctx.baseUrl)}/token`;
    const signer = dpopSigner();
    let next = 0;
    return {
      method: 'POST',
      path: '/token',
      headers: { 'content-type': ctx.FORM },
      body: 'grant_type=client_credentials&scope=read',
      setupClient(client) {
        const authorization = ctx.basic(list[next++ % list.length]);
        client.setRequests([
          {
            method: 'POST',
            path: '/token',
            body: 'grant_type=client_credentials&scope=read',
            setupRequest: (req) => ({
              ...req,
              headers: { ...req.headers, 'content-type': ctx.FORM, authorization, dpop: signer.proof('POST', htu) },
            }),
          },
        ]);
      },
      verify: (status, body) => body.includes('"token_type":"DPoP"'),
    };
  },
};
