'use strict';
// Shared shape of the client_credentials scenarios: POST /token with
// client_secret_basic, scope=read (the peer's request), each connection
// authenticating as one of the tenant's seeded clients.

module.exports = function clientCredentials({ name, clients, ceiling, compareToPeer = false }) {
  return {
    name,
    route: '/token',
    ceiling,
    compareToPeer,
    setup(ctx) {
      const list = ctx.seed.clients[clients];
      let next = 0;
      return {
        method: 'POST',
        path: '/token',
        headers: { 'content-type': ctx.FORM },
        body: 'grant_type=client_credentials&scope=read',
        setupClient(client) {
          client.setHeaders({ 'content-type': ctx.FORM, authorization: ctx.basic(list[next++ % list.length]) });
        },
        verify: (status, body) => body.includes('"access_token"'),
      };
    },
  };
};
