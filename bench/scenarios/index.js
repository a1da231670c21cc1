'use strict';
// Scenario registry. A scenario is one module exporting
//   { name, route, ceiling: 'RS256'|'ES256'|'EdDSA'|'argon2'|null, compareToPeer?, signaturesPerRequest?,
//     seed?(ctx) (once, before its first run), setup(ctx) → autocannon options + verify(status, body, headers)
//     [+ expectStatus (a non-2xx status every answer must have) and maxRequests (its own bound, e.g. single-use requests)] }
// `route` is the /metrics route label whose db_queries_total the row reports.
// Adding a scenario is a new module here plus one line below (and its key in the main list of run.js).

module.exports = {
  ccRs256: require('./client-credentials-rs256'),
  ccEs256: require('./client-credentials-es256'),
  ccResourceRoles: require('./client-credentials-resource-roles'),
  ccPrivateKeyJwt: require('./client-credentials-private-key-jwt'),
  password: require('./password'),
  refresh: require('./refresh-rotation'),
  introspection: require('./introspection'),
  userinfo: require('./userinfo'),
  clientLogin: require('./client-login'),
  api: require('./seed-api'),
  deviceRefresh: require('./device-refresh'),
  deviceAuthorization: require('./device-authorization'),
  graphqlClients: require('./graphql-clients'),
  graphqlDashboard: require('./graphql-dashboard'),
  tenantDiscovery: require('./tenant-discovery'),
  tenantJwks: require('./tenant-jwks'),
  tokenExchange: require('./token-exchange'),
  ccDpop: require('./client-credentials-dpop'),
  userinfoDpop: require('./userinfo-dpop'),
  passkeySignIn: require('./passkey-sign-in'),
};
