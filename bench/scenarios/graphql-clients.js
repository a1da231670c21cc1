'use strict';
// GraphQL `clients(first: 50)` through the SDK's own query document, on a tenant
// with 60 clients (seeded through the API on first use), as the admin.

const path = require('node:path');
const { REPO } = require('../lib/server');
const { ClientsDocument } = require(path.join(REPO, 'dist', 'sdk', 'generated.js'));

const TENANT = '/bench-gql';

module.exports = {
  name: 'graphql clients(first: 50)',
  route: '/graphql',
  ceiling: null,
  async seed(ctx) {
    const { sdk } = ctx.seed;
    await sdk.createTenant({ input: { path: TENANT } });
    for (let i = 0; i < 60; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          sdk.createClient({
            input: { tenantPath: TENANT, clientId: `bench-gql-${i + j}`, name: `graphql page client ${i + j}`, allowedScopes: ['read'] },
          }),
        ),
      );
    }
  },
  setup(ctx) {
    return {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.seed.adminToken}` },
      body: JSON.stringify({ query: String(ClientsDocument), variables: { tenantPath: TENANT, first: 50 } }),
      verify: (status, body) => !body.includes('"errors"') && body.includes('"hasNextPage":true'),
    };
  },
};
