'use strict';
// Seed 000 POST /client/login: form client_id and password (the client secret),
// each connection logging in as one of the seeded RS256 client_credentials clients.

module.exports = {
  name: 'seed 000 /client/login',
  route: '/client/login',
  ceiling: 'RS256',
  setup(ctx) {
    const list = ctx.seed.clients.ccRs;
    let next = 0;
    const form = (c) => new URLSearchParams({ client_id: c.clientId, password: c.secret }).toString();
    return {
      method: 'POST',
      path: '/client/login',
      headers: { 'content-type': ctx.FORM },
      body: form(list[0]),
      setupClient(client) {
        client.setHeadersAndBody({ 'content-type': ctx.FORM }, form(list[next++ % list.length]));
      },
      verify: (status, body) => body.includes('"access_token"'),
    };
  },
};
