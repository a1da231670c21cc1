import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { TtlCache } from '../cache/ttl-cache';
import { errors } from '../errors';
import { isDpopSigningAlgorithm, type DpopSigningAlgorithm } from './dpop-algorithms';
import { jwkThumbprint } from './jwk-thumbprint';

/** How far a proof's `iat` may lie from the server's clock (RFC 9449 §4.3 check 11, §11.1): a minute, plus skew. */
export const DPOP_PROOF_WINDOW_SECONDS = 60;
export const DPOP_CLOCK_SKEW_SECONDS = 5;

/** What the request a proof came with must match (RFC 9449 §4.3 checks 8–10, 12). */
export interface DpopExpectation {
  /** The request's method. */
  readonly htm: string;
  /** The request's URL without query or fragment, from the server's own public URL (ISSUER) and the path. */
  readonly htu: string;
  /** The access token presented with the proof, whose hash `ath` must be (resource requests only). */
  readonly accessToken?: string;
  /** Epoch seconds now. */
  readonly now: number;
}

/** A proof whose signature and claims checked; its nonce and `jti` still to be checked by the caller. */
export interface CheckedDpopProof {
  /** RFC 7638 thumbprint of the proof's key: what tokens are bound to (`cnf.jkt`). */
  readonly jkt: string;
  /** The proof's JWS algorithm. */
  readonly alg: DpopSigningAlgorithm;
  readonly jti: string;
  /** Epoch seconds. */
  readonly iat: number;
  readonly nonce?: string;
}

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4): never in a proof (§4.3 check 7). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** The longest proof considered (a 4096-bit RSA key and its signature fit easily). */
const MAX_PROOF_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Public keys built from proof JWKs, by thumbprint (the thumbprint's members determine the key). */
const keys = new TtlCache<KeyObject>({ ttlMs: 10 * 60_000, maxEntries: 10_000 });

/** A proof header that passed every header check (typ, alg, crit, a public jwk fitting alg), with its key. */
interface CheckedHeader {
  readonly alg: DpopSigningAlgorithm;
  readonly key: KeyObject;
  readonly jkt: string;
}
/**
 * Checked headers by their encoded form: a client's proofs all carry the same header (typ, alg,
 * jwk), so its JSON, key checks and thumbprint are done once per key, not per proof. Only
 * headers that passed are kept, and only short ones (any EC or OKP key, RSA up to 4096 bits).
 */
const headers = new TtlCache<CheckedHeader>({ ttlMs: 10 * 60_000, maxEntries: 10_000 });
const MAX_CACHED_HEADER_LENGTH = 1200;

const refuse = (why: string) => errors.invalidDpopProof(why);

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw refuse(`the DPoP proof ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refuse(`the DPoP proof ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** The public key of the `jwk` header, checked against `alg` (curve, key type, RSA size). */
function publicKeyOf(jwk: Record<string, unknown>, alg: DpopSigningAlgorithm): { key: KeyObject; jkt: string } {
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) throw refuse('the DPoP proof jwk must be a public key');
  const fits =
    alg === 'ES256'
      ? jwk.kty === 'EC' && jwk.crv === 'P-256'
      : alg === 'EdDSA'
        ? jwk.kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'Ed448')
        : jwk.kty === 'RSA';
  if (!fits) throw refuse(`the DPoP proof jwk does not fit alg ${alg}`);
  const jkt = jwkThumbprint(jwk);
  if (!jkt) throw refuse('the DPoP proof jwk is incomplete');
  let key = keys.peek(jkt);
  if (!key) {
    const members = Object.fromEntries(Object.entries(jwk).filter(([name]) => ['kty', 'crv', 'x', 'y', 'n', 'e'].includes(name))) as Record<
      string,
      string
    >;
    try {
      key = createPublicKey({ key: members, format: 'jwk' });
    } catch {
      throw refuse('the DPoP proof jwk is not a valid public key');
    }
    if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw refuse('the DPoP proof RSA key is too short');
    keys.set(jkt, key);
  }
  return { key, jkt };
}

function signatureVerifies(alg: DpopSigningAlgorithm, key: KeyObject, input: Buffer, signature: Buffer): boolean {
  try {
    switch (alg) {
      case 'ES256':
        return verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'RS256':
        return verify('sha256', input, key, signature);
      case 'PS256':
        return verify('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
      case 'EdDSA':
        return verify(null, input, key, signature);
    }
  } catch {
    return false;
  }
}

/** The header checks of RFC 9449 §4.3 (checks 4–7): `typ`, an allowed `alg`, no `crit`, a public `jwk` that fits `alg`. */
function checkedHeader(encodedHeader: string): CheckedHeader {
  const header = decodeJson(encodedHeader, 'header');
  if (header.typ !== 'dpop+jwt') throw refuse('the DPoP proof typ must be dpop+jwt');
  if (!isDpopSigningAlgorithm(header.alg)) throw refuse('the DPoP proof alg is not supported');
  if (header.crit !== undefined) throw refuse('the DPoP proof has unsupported critical header parameters');
  const jwk = header.jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw refuse('the DPoP proof jwk header is missing');
  const checked = { alg: header.alg, ...publicKeyOf(jwk as Record<string, unknown>, header.alg) };
  if (encodedHeader.length <= MAX_CACHED_HEADER_LENGTH) headers.set(encodedHeader, checked);
  return checked;
}

/** `htu` as compared (§4.3 check 9): scheme, authority and path, normalised by the URL parser; no query or fragment. */
function normaliseHtu(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return null;
  }
}

/**
 * RFC 9449 §4.3 checks 1–12 of one DPoP proof, synchronously and without any storage: one JWS
 * (compact), `typ` `dpop+jwt`, an allowed asymmetric `alg`, a public `jwk` that verifies the
 * signature, `jti`, `htm` and `htu` of this request, `iat` within the window, and `ath` when an
 * access token is presented. Fails with `invalid_dpop_proof` saying which check failed. The
 * nonce (§8) and single use of `jti` (§11.1) are the caller's ({@link DpopProofs}).
 */
export function verifyDpopProof(proof: string, expected: DpopExpectation): CheckedDpopProof {
  if (proof.length > MAX_PROOF_LENGTH) throw refuse('the DPoP proof is too long');
  const parts = proof.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw refuse('the DPoP header must hold one compact JWS');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const { alg, key, jkt } = headers.peek(encodedHeader) ?? checkedHeader(encodedHeader);
  const input = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii');
  if (!signatureVerifies(alg, key, input, Buffer.from(encodedSignature, 'base64url'))) {
    throw refuse('the DPoP proof signature does not verify');
  }
  const claims = decodeJson(encodedPayload, 'payload');
  const { jti, htm, htu, iat, ath, nonce } = claims;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw refuse('the DPoP proof jti is missing or invalid');
  if (htm !== expected.htm) throw refuse('the DPoP proof htm does not match the request method');
  // The same text needs no parsing (the expected htu is the server's own URL, always valid).
  if (typeof htu !== 'string' || (htu !== expected.htu && normaliseHtu(htu) !== normaliseHtu(expected.htu)))
    throw refuse('the DPoP proof htu does not match the request URL');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw refuse('the DPoP proof iat is missing');
  if (Math.abs(iat - expected.now) > DPOP_PROOF_WINDOW_SECONDS + DPOP_CLOCK_SKEW_SECONDS) {
    throw refuse('the DPoP proof iat is outside the accepted window');
  }
  if (expected.accessToken !== undefined) {
    const hash = createHash('sha256').update(expected.accessToken, 'ascii').digest('base64url');
    if (ath !== hash) throw refuse('the DPoP proof ath does not match the access token');
  }
  if (nonce !== undefined && typeof nonce !== 'string') throw refuse('the DPoP proof nonce must be a string');
  return { jkt, alg, jti, iat, ...(nonce !== undefined ? { nonce } : {}) };
}
