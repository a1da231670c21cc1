import { errors } from '../errors';
import type { ClientJwks } from './client';

/** The most keys a registered key set may hold, and its largest size as JSON. */
const MAX_CLIENT_KEYS = 20;
const MAX_CLIENT_JWKS_BYTES = 16 * 1024;
const MAX_JWKS_URI_LENGTH = 2048;

/** Members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1; `priv` of ML-DSA drafts). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;
/** Public members each asymmetric key type needs. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A client's registered JWK Set (`jwks`, RFC 7591 §2): JSON text or an object holding `keys`,
 * 1 to {@link MAX_CLIENT_KEYS} public keys (RSA, EC or OKP), at most {@link MAX_CLIENT_JWKS_BYTES}
 * as JSON. A key with private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`, …) or a symmetric
 * key (`kty` `oct`) is refused: the server must never hold a client's private key.
 */
export function validateJwks(input: unknown, field = 'jwks'): ClientJwks {
  let value = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > MAX_CLIENT_JWKS_BYTES)
      throw errors.validation(field, `must be at most ${MAX_CLIENT_JWKS_BYTES} bytes`);
    try {
      value = JSON.parse(input);
    } catch {
      throw errors.validation(field, 'must be a JSON Web Key Set (JSON object with "keys")');
    }
  }
  if (!isObject(value) || !Array.isArray(value.keys))
    throw errors.validation(field, 'must be a JSON Web Key Set (JSON object with "keys")');
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_CLIENT_JWKS_BYTES)
    throw errors.validation(field, `must be at most ${MAX_CLIENT_JWKS_BYTES} bytes`);
  const keys = value.keys as unknown[];
  if (keys.length === 0 || keys.length > MAX_CLIENT_KEYS) throw errors.validation(field, `must hold 1 to ${MAX_CLIENT_KEYS} keys`);
  const checked = keys.map((key, i) => {
    const at = `${field}.keys[${i}]`;
    if (!isObject(key)) throw errors.validation(at, 'must be a JSON object');
    for (const member of PRIVATE_MEMBERS) {
      if (member in key) throw errors.validation(at, `must be a public key: private key member "${member}" is not accepted`);
    }
    const required = typeof key.kty === 'string' ? REQUIRED_MEMBERS[key.kty] : undefined;
    if (!required) throw errors.validation(at, 'kty must be RSA, EC or OKP (symmetric keys are not accepted)');
    for (const member of required) {
      if (typeof key[member] !== 'string' || key[member] === '') throw errors.validation(at, `${key.kty as string} key needs "${member}"`);
    }
    if (key.use !== undefined && key.use !== 'sig') throw errors.validation(at, 'use must be "sig"');
    if (key.kid !== undefined && typeof key.kid !== 'string') throw errors.validation(at, 'kid must be a string');
    return Object.freeze({ ...key });
  });
  return Object.freeze({ keys: Object.freeze(checked) });
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** Whether a URL host is a loopback name or address (`localhost`, 127.0.0.0/8, `[::1]`). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * A client's `jwks_uri`: an absolute https URL without credentials or fragment, or an http URL
 * on a loopback host, which ClientService accepts only while the server's own ISSUER is on
 * loopback (development and tests). Where it may be fetched from is decided again at fetch
 * time, on the resolved address (src/domain/outbound/outbound-policy.ts).
 */
export function validateJwksUri(input: string, field = 'jwksUri'): string {
  if (input.length > MAX_JWKS_URI_LENGTH) throw errors.validation(field, `must be at most ${MAX_JWKS_URI_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw errors.validation(field, 'must be an absolute URL');
  }
  if (url.username || url.password) throw errors.validation(field, 'must not hold credentials');
  if (url.hash) throw errors.validation(field, 'must not have a fragment');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
    throw errors.validation(field, 'must be an https URL (http only on loopback)');
  return url.href;
}
