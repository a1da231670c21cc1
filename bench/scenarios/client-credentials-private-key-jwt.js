'use strict';
// client_credentials with private_key_jwt (RFC 7523 §2.2, issue 21): the same request as
// `ccRs256` (POST /token, scope=read, tenant /bench-rs signing RS256) but each client
// authenticates with a fresh EdDSA client assertion (its public key registered as `jwks`)
// instead of client_secret_basic. The load generator signs one assertion per request
// (Ed25519, the cheapest signature to make); the server verifies it and claims its `jti` once
// in the replay table, so a warm request makes exactly one query (the insert). Reported as
// a ratio against client_credentials RS256 (client_secret_basic).

const { generateKeyPairSync, randomUUID, sign } = require('node:crypto');

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

module.exports = {
  name: 'client_credentials private_key_jwt',
  route: '/token',
  ceiling: 'RS256',
  async seed(ctx) {
    const { sdk } = ctx.seed;
    const discovery = await (await fetch(`${ctx.baseUrl}/.well-known/openid-configuration`)).json();
    ctx.seed.privateKeyJwt = { audience: `${discovery.issuer}/token`, clients: [] };
    for (const i of [1, 2, 3, 4]) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const kid = `bench-${i}`;
      const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' };
      const { createClient } = await sdk.createClient({
        input: {
          tenantPath: '/bench-rs',
          clientId: `bench-rs-pkjwt-${i}`,
          name: `bench private_key_jwt ${i}`,
          grantTypes: ['client_credentials'],
          allowedScopes: ['read', 'write'],
          tokenEndpointAuthMethod: 'private_key_jwt',
          jwks: JSON.stringify({ keys: [jwk] }),
        },
      });
      ctx.seed.privateKeyJwt.clients.push({ clientId: createClient.client.clientId, privateKey, kid });
    }
  },
  setup(ctx) {
    const { audience, clients } = ctx.seed.privateKeyJwt;
    let next = 0;
    const assertion = (client) => {
      const now = Math.floor(Date.now() / 1000);
      const input = `${b64({ alg: 'EdDSA', kid: client.kid })}.${b64({
        iss: client.clientId,
        sub: client.clientId,
        aud: audience,
        jti: randomUUID(),
        iat: now,
        exp: now + 60,
      })}`;
      return `${input}.${sign(null, Buffer.from(input), client.privateKey).toString('base64url')}`;
    };
    return {
      method: 'POST',
      path: '/token',
      headers: { 'content-type': ctx.FORM },
      setupClient(client) {
        const own = clients[next++ % clients.length];
        client.setRequests([
          {
            method: 'POST',
            path: '/token',
            headers: { 'content-type': ctx.FORM },
            setupRequest: (req) => ({
              ...req,
              body:
                'grant_type=client_credentials&scope=read' +
                '&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer' +
                `&client_assertion=${assertion(own)}`,
            }),
          },
        ]);
      },
      verify: (status, body) => body.includes('"access_token"'),
    };
  },
};
