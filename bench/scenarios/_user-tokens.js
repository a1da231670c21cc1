'use strict';
// Access tokens of seeded users (password grant with offline_access, so they carry
// a refresh family `sid` and every revocation check applies), one per connection.
module.exports = (ctx) =>
  ctx.once('userTokens', async () =>
    (await ctx.passwordGrants(ctx.connections, 'openid profile email offline_access')).map((g) => g.access_token),
  );
