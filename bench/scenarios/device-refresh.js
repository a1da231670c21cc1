'use strict';
// Seed 002 device refresh: GET /token?refresh_token=…&device_id=… (not rotated, so every
// request can present the same token). Four device sets, one per seeded user, made with
// GraphQL createDevice on the user app (given the `device_tokens` grant in seed()), shared
// round-robin by the connections. Each response signs an access token and an ID token.

const path = require('node:path');
const { REPO } = require('../lib/server');

const { createAdminSdk } = require(path.join(REPO, 'dist', 'sdk', 'client.js'));

module.exports = {
  name: 'device refresh (GET /token)',
  route: '/token',
  ceiling: 'RS256',
  signaturesPerRequest: 2,
  async seed(ctx) {
    const app = ctx.seed.clients.userApp;
    await ctx.sdk.updateClient({ clientId: app.clientId, input: { grantTypes: ['password', 'refresh_token', 'device_tokens'] } });
  },
  async setup(ctx) {
    const devices = await ctx.once('deviceSets', async () => {
      const out = [];
      for (const user of ctx.seed.users) {
        const { access_token: token } = await ctx.token(ctx.seed.clients.userApp, {
          grant_type: 'password',
          username: user.username,
          password: user.password,
          scope: 'openid profile',
        });
        const { createDevice } = await createAdminSdk(ctx.baseUrl, token).createDevice({
          name: `bench ${user.username}`,
          password: user.password,
        });
        out.push(`/token?${new URLSearchParams({ refresh_token: createDevice.RefreshToken, device_id: createDevice.DeviceId })}`);
      }
      return out;
    });
    let next = 0;
    return {
      method: 'GET',
      path: devices[0],
      setupClient(client) {
        const target = devices[next++ % devices.length];
        client.setRequests([{ method: 'GET', path: target }]);
      },
      verify: (status, body) => status === 200 && body.includes('"AccessToken"') && body.includes('"IdToken"'),
    };
  },
};
