'use strict';
// OIDC Discovery of one tenant issuer (issue 20): GET {ISSUER}/t/bench-rs/.well-known/openid-configuration.
module.exports = require('./_tenant-issuer-get')({
  name: 'tenant discovery',
  suffix: '/.well-known/openid-configuration',
  verify: (status, body) => status === 200 && body.includes('/t/bench-rs"'),
});
