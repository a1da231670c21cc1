import type { KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { Clock } from '../clock';
import { JwsError, jwsSignatureVerifies, parseCompactJws, type CompactJws } from '../crypto/jws';
import { DomainError } from '../errors';
import type { ReplayGuard, ReplayKind } from '../replay/replay-guard';
import { PRIVATE_KEY_JWT_ALGORITHMS, type Client } from './client';
import type { ClientKeySets } from './client-key-sets';

/** Signature algorithms of JWTs signed with a client's registered keys (asymmetric only; never `none`). */
export const CLIENT_KEY_ALGORITHMS: readonly string[] = PRIVATE_KEY_JWT_ALGORITHMS;
/** Clock skew tolerated on `exp`, `nbf` and `iat`. */
const CLOCK_SKEW_SECONDS = 30;
const MAX_JTI_LENGTH = 512;

/**
 * Why a client's JWT was refused. `reason` is a short phrase of ours (RFC 6749 §5.2 characters
 * only, fit for an `error_description`); `detail` adds what the JOSE library said (logs only);
 * `payload` is present when the signature verified, so the claims are the client's own.
 */
export interface ClientJwtRefusal {
  readonly reason: string;
  readonly detail: string;
  readonly payload?: JWTPayload;
}

/** What a kind of client-signed JWT must satisfy beyond its signature. */
export interface ClientJwtRules {
  /** Accepted `alg` values (for the client's keys, a subset of {@link CLIENT_KEY_ALGORITHMS}). */
  readonly algorithms: readonly string[];
  /** `aud` must hold one of these. */
  readonly audience: readonly string[];
  /** `sub`, when it must be the client too (client assertions). */
  readonly subject?: string;
  readonly requiredClaims: readonly string[];
  /** `exp` at most this far ahead; with `boundedSpan`, also at most this far after `nbf` and `iat`. */
  readonly maxLifetimeSeconds: number;
  readonly boundedSpan?: boolean;
  /** `jti` is claimed once on every process under this kind (ReplayGuard); `required` refuses a JWT without one. */
  readonly jti: { readonly kind: ReplayKind; readonly required: boolean };
  /** Checks of the verified claims before the `jti` is claimed; returns a refusal reason, or null. */
  readonly check?: (payload: JWTPayload) => string | null;
  /** The error a refusal raises (its code is the caller's: `invalid_client`, `invalid_request_object`). */
  readonly fail: (refusal: ClientJwtRefusal) => DomainError;
}

/**
 * The one owner of "a JWT signed by this client": client assertions (RFC 7523, client-assertion.ts)
 * and request objects (RFC 9101, request-object.ts). The signature is checked with the client's
 * registered `jwks` or the key set at its `jwks_uri` (ClientKeySets), or with an HMAC secret the
 * caller hands in; then `iss` (always the client_id), `aud`, `exp` (required, bounded), `nbf` and
 * `iat` with {@link CLOCK_SKEW_SECONDS} of skew, the caller's own checks, and last the `jti`,
 * used once across every process. Every refusal goes through `rules.fail`.
 */
export class ClientSignedJwts {
  constructor(
    private readonly keySets: ClientKeySets,
    private readonly replays: ReplayGuard,
    private readonly clock: Clock,
  ) {}

  /**
   * The verified payload of `jwt`, signed by `client` (with its keys, or the MAC `secret` when given).
   * Verified with node:crypto synchronously (src/domain/crypto/jws.ts): the JWS is parsed once and
   * each key is a cached KeyObject, so a warm client assertion costs one signature check and the
   * `jti` claim; the checks are jose's (algorithm allow-list, key selection, no `crit`, the claims).
   */
  async verify(client: Client, jwt: string, rules: ClientJwtRules, secret?: string, parsed?: CompactJws): Promise<JWTPayload> {
    let jws: CompactJws;
    try {
      jws = parsed ?? parseCompactJws(jwt);
    } catch (error) {
      throw rules.fail({ reason: 'not a JWT', detail: error instanceof JwsError ? error.message : 'not a JWT' });
    }
    const { header } = jws;
    const unverified = (detail: string) => rules.fail({ reason: 'signature, algorithm or key not accepted', detail });
    const alg = header.alg;
    if (typeof alg !== 'string' || !rules.algorithms.includes(alg)) throw unverified(`alg ${String(alg)} not allowed`);
    if (header.crit !== undefined) throw unverified('unsupported crit header');
    // The signature first: nothing of an unverified payload is trusted.
    if (secret !== undefined) {
      if (!jwsSignatureVerifies(jws, alg, Buffer.from(secret, 'utf8'))) throw unverified('signature does not verify');
    } else {
      let keys: KeyObject[];
      try {
        const found = this.keySets.candidatesFor(client, alg, header.kid);
        keys = found instanceof Promise ? await found : found;
      } catch (error) {
        // The client's keys could not be had (none registered, no key fits, jwks_uri unreachable): the caller's error.
        if (error instanceof DomainError && error.code === 'invalid_client') {
          throw rules.fail({ reason: 'the client keys are not available', detail: error.detail ?? error.description });
        }
        throw error;
      }
      if (!keys.some((key) => jwsSignatureVerifies(jws, alg, key))) throw unverified('signature does not verify');
    }
    const payload = jws.payload as JWTPayload;
    const refuse = (reason: string) => rules.fail({ reason, detail: reason, payload });
    const required = ['exp', 'iss', 'aud', ...(rules.subject !== undefined ? ['sub'] : []), ...rules.requiredClaims];
    for (const claim of required) if (!Object.hasOwn(payload, claim)) throw refuse(`${claim} claim missing`);
    if (payload.iss !== client.clientId) throw refuse('iss claim not accepted');
    if (rules.subject !== undefined && payload.sub !== rules.subject) throw refuse('sub claim not accepted');
    const aud = payload.aud;
    const audienceFits =
      typeof aud === 'string' ? rules.audience.includes(aud) : Array.isArray(aud) && rules.audience.some((value) => aud.includes(value));
    if (!audienceFits) throw refuse('aud claim not accepted');
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const exp = numericDate(payload, 'exp', refuse)!;
    const nbf = numericDate(payload, 'nbf', refuse);
    const iat = numericDate(payload, 'iat', refuse);
    if (exp <= nowSeconds - CLOCK_SKEW_SECONDS) throw refuse('expired');
    if (nbf !== undefined && nbf > nowSeconds + CLOCK_SKEW_SECONDS) throw refuse('nbf claim not accepted');
    if (exp > nowSeconds + rules.maxLifetimeSeconds + CLOCK_SKEW_SECONDS) throw refuse('exp too far ahead');
    if (iat !== undefined && iat > nowSeconds + CLOCK_SKEW_SECONDS) throw refuse('iat in the future');
    if (rules.boundedSpan) {
      for (const start of [nbf, iat]) {
        if (start !== undefined && exp - start > rules.maxLifetimeSeconds) throw refuse('lifetime too long');
      }
    }
    const failed = rules.check?.(payload) ?? null;
    if (failed !== null) throw refuse(failed);
    const jti = payload.jti;
    if (jti === undefined && !rules.jti.required) return payload;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw refuse('jti missing or too long');
    const first = await this.replays.claimOnce(rules.jti.kind, client.clientId, jti, new Date((exp + CLOCK_SKEW_SECONDS) * 1000));
    if (!first) throw refuse('jti already used');
    return payload;
  }
}

/** A NumericDate claim (RFC 7519 §2): absent, or a finite number. */
function numericDate(payload: JWTPayload, claim: string, refuse: (reason: string) => DomainError): number | undefined {
  const value = (payload as Record<string, unknown>)[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse(`${claim} claim not accepted`);
  return value;
}
