'use strict';
// Resource owner password grant (seed 003): argon2id verify, then an RS256
// access token and an ID token (scope openid; no offline_access, so no refresh token).

module.exports = {
  name: 'password grant',
  route: '/token',
  ceiling: 'argon2',
  setup(ctx) {
    const { users, clients } = ctx.seed;
    let next = 0;
    const body = (u) => ctx.form({ grant_type: 'password', username: u.username, password: u.password, scope: 'openid profile' });
    return {
      method: 'POST',
      path: '/token',
      headers: { 'content-type': ctx.FORM, authorization: ctx.basic(clients.userApp) },
      setupClient(client) {
        client.setBody(body(users[next++ % users.length]));
      },
      verify: (status, b) => b.includes('"id_token"'),
    };
  },
};
