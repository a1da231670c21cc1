import { constants, createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/**
 * JWS (RFC 7515) compact verification with node:crypto, synchronously: the client assertions of
 * the token path (RFC 7523) are checked here rather than through jose's WebCrypto path, which
 * costs several promises and a thread-pool hop per request. The checks are those jose makes:
 * one compact JWS with JSON object header and payload, an `alg` of the table below, a key whose
 * type (and curve) fits it, RSA keys of at least 2048 bits; the caller refuses `crit`.
 */

/** Why a JWS was refused (a reason for logs; callers map it to their own error). */
export class JwsError extends Error {}

export interface CompactJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `BASE64URL(header) '.' BASE64URL(payload)`, the bytes signed. */
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

interface AlgorithmEntry {
  readonly kty: 'RSA' | 'EC' | 'OKP' | 'oct';
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** RSA-PSS salt length in bytes. */
  readonly pss?: number;
  /** EC or OKP curve the key must be on. */
  readonly crv?: string;
  /** ECDSA signature length in bytes (IEEE P1363: r || s). */
  readonly ecSignatureLength?: number;
}

const ALGORITHMS: Readonly<Record<string, AlgorithmEntry>> = {
  HS256: { kty: 'oct', hash: 'sha256' },
  HS384: { kty: 'oct', hash: 'sha384' },
  HS512: { kty: 'oct', hash: 'sha512' },
  RS256: { kty: 'RSA', hash: 'sha256' },
  RS384: { kty: 'RSA', hash: 'sha384' },
  RS512: { kty: 'RSA', hash: 'sha512' },
  PS256: { kty: 'RSA', hash: 'sha256', pss: 32 },
  PS384: { kty: 'RSA', hash: 'sha384', pss: 48 },
  PS512: { kty: 'RSA', hash: 'sha512', pss: 64 },
  ES256: { kty: 'EC', hash: 'sha256', crv: 'P-256', ecSignatureLength: 64 },
  ES384: { kty: 'EC', hash: 'sha384', crv: 'P-384', ecSignatureLength: 96 },
  ES512: { kty: 'EC', hash: 'sha512', crv: 'P-521', ecSignatureLength: 132 },
  EdDSA: { kty: 'OKP', hash: null, crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', hash: null, crv: 'Ed25519' },
};

const MIN_RSA_BITS = 2048;
/** JWK curve names as node:crypto reports them. */
const NAMED_CURVES: Readonly<Record<string, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** The public members each key type is built from (anything else in a JWK is metadata). */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

function decodeObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwsError(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwsError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** Splits and decodes a compact JWS once; nothing is checked but its form (the caller checks `alg`, `crit` and the signature). */
export function parseCompactJws(token: string): CompactJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwsError('not a compact JWS');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  if (!BASE64URL.test(encodedHeader) || !BASE64URL.test(encodedPayload) || !BASE64URL.test(encodedSignature))
    throw new JwsError('not base64url');
  return {
    header: decodeObject(encodedHeader, 'header'),
    payload: decodeObject(encodedPayload, 'payload'),
    signingInput: Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'),
    signature: Buffer.from(encodedSignature, 'base64url'),
  };
}

/**
 * Whether a public JWK may verify `alg` as jose's key sets select keys: its `kty` (and `crv`)
 * fit, its `alg` (if any) is `alg`, its `use` (if any) is `sig`, its `key_ops` (if any) hold
 * `verify`, and its `kid` is `kid` when the JWS names one.
 */
export function jwkUsableFor(jwk: Readonly<Record<string, unknown>>, alg: string, kid: unknown): boolean {
  const entry = ALGORITHMS[alg];
  if (!entry || entry.kty === 'oct' || jwk.kty !== entry.kty) return false;
  if (entry.crv !== undefined && jwk.crv !== entry.crv) return false;
  if (kid !== undefined && (typeof kid !== 'string' || kid !== jwk.kid)) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  const ops = jwk.key_ops;
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) return false;
  return true;
}

/** The public key of a JWK (its public members only); null when it is not a usable public key. */
export function publicKeyOfJwk(jwk: Readonly<Record<string, unknown>>): KeyObject | null {
  const members = typeof jwk.kty === 'string' ? PUBLIC_MEMBERS[jwk.kty] : undefined;
  if (!members) return null;
  const source: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') return null;
    source[name] = value;
  }
  try {
    const key = createPublicKey({ key: source, format: 'jwk' });
    return key.type === 'public' ? key : null;
  } catch {
    return null;
  }
}

/**
 * Verifies `jws` signed with `alg` by a public `key` (asymmetric algorithms) or a shared
 * `secret` (HS*), in constant time for MACs. False on any mismatch, never throws for a bad signature.
 */
export function jwsSignatureVerifies(jws: CompactJws, alg: string, key: KeyObject | Uint8Array): boolean {
  const entry = ALGORITHMS[alg];
  if (!entry) return false;
  const { signingInput, signature } = jws;
  if (entry.kty === 'oct') {
    if (!(key instanceof Uint8Array)) return false;
    const mac = createHmac(entry.hash!, key).update(signingInput).digest();
    return mac.length === signature.length && timingSafeEqual(mac, signature);
  }
  if (key instanceof Uint8Array || key.type !== 'public') return false;
  try {
    switch (entry.kty) {
      case 'RSA':
        if (key.asymmetricKeyType !== 'rsa') return false;
        if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return false;
        return verify(
          entry.hash,
          signingInput,
          entry.pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: entry.pss } : key,
          signature,
        );
      case 'EC':
        if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== NAMED_CURVES[entry.crv!]) return false;
        if (signature.length !== entry.ecSignatureLength) return false;
        return verify(entry.hash, signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'OKP':
        if (key.asymmetricKeyType !== 'ed25519') return false;
        return verify(null, signingInput, key, signature);
    }
  } catch {
    return false;
  }
}
