'use strict';
// Seed 001 POST /api (form content type, as documented) with the same user tokens as /userinfo.
module.exports = require('./_user-bearer')({
  name: 'seed 001 /api',
  route: '/api',
  method: 'POST',
  form: true,
  verify: (status, body) => body.includes('"status":"SUCCESS"'),
});
