'use strict';
// RFC 8628 device authorization (issue 21): POST {ISSUER}/t/bench-rs/device_authorization with
// client_secret_basic, scope=openid profile, by the user app (given the device_code grant in
// seed()). Each request authenticates the client (warm: no query) and inserts one
// device_authorizations row with a fresh device code and user code; nothing is signed.

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

module.exports = {
  name: 'device authorization (POST {I}/device_authorization)',
  route: '/t/:issuer/device_authorization',
  ceiling: null,
  async seed(ctx) {
    const app = ctx.seed.clients.userApp;
    // Keeps the grants the other scenarios give this client (device refresh adds device_tokens).
    await ctx.sdk.updateClient({
      clientId: app.clientId,
      input: { grantTypes: ['password', 'refresh_token', 'device_tokens', DEVICE_CODE] },
    });
  },
  setup(ctx) {
    const app = ctx.seed.clients.userApp;
    return {
      method: 'POST',
      path: '/t/bench-rs/device_authorization',
      headers: { 'content-type': ctx.FORM, authorization: ctx.basic(app) },
      body: 'scope=openid%20profile',
      verify: (status, body) => status === 200 && body.includes('"device_code"') && body.includes('"user_code"'),
    };
  },
};
