'use strict';
// Shared shape of the tenant-issuer GETs (issue 20): a public document of the
// seeded tenant /bench-rs at its own issuer `{ISSUER}/t/bench-rs`. Seeding issues one
// token of that tenant, so its signing key exists before the first run.

module.exports = function tenantIssuerGet({ name, suffix, verify }) {
  return {
    name,
    route: `/t/:issuer${suffix}`,
    ceiling: null,
    async seed(ctx) {
      await ctx.token(ctx.seed.clients.ccRs[0], { grant_type: 'client_credentials', scope: 'read' });
    },
    async setup() {
      return { method: 'GET', path: `/t/bench-rs${suffix}`, verify };
    },
  };
};
