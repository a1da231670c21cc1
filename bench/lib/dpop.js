'use strict';
// DPoP proofs (RFC 9449) for the load generator: one ES256 key per scenario, each proof signed
// synchronously (autocannon's setupRequest cannot wait), a fresh jti per request.

const { createHash, generateKeyPairSync, randomUUID, sign } = require('node:crypto');

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A signer of DPoP proofs with a new P-256 key: `proof(htm, htu, accessToken?)` → compact JWS. */
function dpopSigner() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const header = b64({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty, crv, x, y } });
  return {
    proof(htm, htu, accessToken) {
      const claims = { jti: randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000) };
      if (accessToken) claims.ath = createHash('sha256').update(accessToken).digest('base64url');
      const input = `${header}.${b64(claims)}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    },
  };
}

/** The server's ISSUER (what `htu` is built from), read from its discovery document. */
async function issuerOf(baseUrl) {
  const res = await fetch(`${baseUrl}/.well-known/openid-configuration`);
  return (await res.json()).issuer;
}

module.exports = { dpopSigner, issuerOf };
