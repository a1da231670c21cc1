'use strict';
// OIDC /userinfo with a user's bearer access token.
module.exports = require('./_user-bearer')({
  name: 'userinfo',
  route: '/userinfo',
  method: 'GET',
  verify: (status, body) => body.includes('"sub"'),
});
