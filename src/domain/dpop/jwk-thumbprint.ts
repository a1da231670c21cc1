import { createHash } from 'node:crypto';

/** The members RFC 7638 §3.2 hashes for each key type, in lexicographic order. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * RFC 7638 JWK SHA-256 thumbprint, base64url: the `jkt` of DPoP (RFC 9449 §6.1) that binds tokens
 * to a key. Null for a key type without a thumbprint definition or a required member missing.
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | null {
  const members = typeof jwk.kty === 'string' ? REQUIRED_MEMBERS[jwk.kty] : undefined;
  if (!members) return null;
  const parts: string[] = [];
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string' || value.length === 0) return null;
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return createHash('sha256')
    .update(`{${parts.join(',')}}`, 'utf8')
    .digest('base64url');
}

/** A string shaped like a SHA-256 thumbprint in base64url (43 characters), as `dpop_jkt` must be (RFC 9449 §10). */
export const isThumbprint = (value: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(value);
