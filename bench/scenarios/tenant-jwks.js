'use strict';
// One tenant issuer's JWKS (issue 20): GET {ISSUER}/t/bench-rs/.well-known/jwks.json, its keys only.
module.exports = require('./_tenant-issuer-get')({
  name: 'tenant JWKS',
  suffix: '/.well-known/jwks.json',
  verify: (status, body) => status === 200 && body.includes('"keys":[{') && !body.includes('bulk-'),
});
