'use strict';
// The console's tenant dashboard through the SDK's own document (`tenantDashboard`): the tenant,
// its clients (first 50) and users (first 50) with each user's device count, as the admin, on a
// tenant with 60 clients and 60 users, 10 of them with devices (seeded through the API on first use).

const path = require('node:path');
const { REPO } = require('../lib/server');
const { createAdminSdk } = require(path.join(REPO, 'dist', 'sdk', 'client.js'));
const { TenantDashboardDocument } = require(path.join(REPO, 'dist', 'sdk', 'generated.js'));

const TENANT = '/bench-dash';
const PASSWORD = 'bench-dashboard-password';

module.exports = {
  name: 'graphql tenant dashboard (50 clients, 50 users + device counts)',
  route: '/graphql',
  ceiling: null,
  async seed(ctx) {
    const { sdk } = ctx.seed;
    await sdk.createTenant({ input: { path: TENANT } });
    const { createClient: app } = await sdk.createClient({
      input: {
        tenantPath: TENANT,
        clientId: 'bench-dash-app',
        name: 'dashboard device app',
        grantTypes: ['password', 'device_tokens'],
        allowedScopes: ['openid'],
      },
    });
    for (let i = 0; i < 60; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          sdk.createClient({
            input: { tenantPath: TENANT, clientId: `bench-dash-${i + j}`, name: `dashboard client ${i + j}`, allowedScopes: ['read'] },
          }),
        ),
      );
    }
    const users = [];
    for (let i = 0; i < 60; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          sdk.createUser({
            input: {
              tenantPath: TENANT,
              username: `dash-user-${i + j}`,
              password: PASSWORD,
              email: `dash-user-${i + j}@bench.example`,
              firstname: 'Dash',
            },
          }),
        ),
      );
      users.push(...batch.map((b) => b.createUser));
    }
    // Users 0-9 get 1-2 devices each, made with their own token as the console's users would.
    for (const [i, user] of users.slice(0, 10).entries()) {
      const { access_token: token } = await ctx.token(
        { clientId: app.client.clientId, secret: app.clientSecret },
        { grant_type: 'password', username: user.username, password: PASSWORD, scope: 'openid' },
      );
      const own = createAdminSdk(ctx.baseUrl, token);
      for (let d = 0; d <= i % 2; d++) await own.createDevice({ name: `bench device ${d}`, password: PASSWORD });
    }
  },
  setup(ctx) {
    return {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.seed.adminToken}` },
      body: JSON.stringify({ query: String(TenantDashboardDocument), variables: { path: TENANT, first: 50 } }),
      verify: (status, body) => !body.includes('"errors"') && body.includes('"deviceCount":2') && body.includes('"hasNextPage":true'),
    };
  },
};
