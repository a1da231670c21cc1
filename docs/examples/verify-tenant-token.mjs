import { createRemoteJWKSet, jwtVerify } from 'jose';

// One key set per issuer, kept between calls: jose caches the keys and
// fetches the set again when a token names a key it does not know.
const keySets = new Map();

/**
 * Verifies an access token that `issuer` (one tenant) issued for `audience`
 * (your API's identifier) and returns its claims. Throws when the token is
 * not exactly that: another tenant's, the parent's or a child's token
 * (another issuer, another key), a token for another audience, an ID token,
 * an expired token.
 */
export async function verifyTenantToken(issuer, audience, token) {
  let jwks = keySets.get(issuer);
  if (!jwks) {
    jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    keySets.set(issuer, jwks);
  }
  const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });
  return payload;
}
