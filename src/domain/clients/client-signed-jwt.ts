import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../clock';
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

  /** The verified payload of `jwt`, signed by `client` (with its keys, or the MAC `secret` when given). */
  async verify(client: Client, jwt: string, rules: ClientJwtRules, secret?: string): Promise<JWTPayload> {
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, secret !== undefined ? new TextEncoder().encode(secret) : this.keySets.keysOf(client), {
        algorithms: [...rules.algorithms],
        issuer: client.clientId,
        subject: rules.subject,
        audience: [...rules.audience],
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', ...rules.requiredClaims],
        currentDate: now,
      }));
    } catch (error) {
      throw rules.fail(refusalOf(error));
    }
    const refuse = (reason: string) => rules.fail({ reason, detail: reason, payload });
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const exp = payload.exp!;
    if (exp > nowSeconds + rules.maxLifetimeSeconds + CLOCK_SKEW_SECONDS) throw refuse('exp too far ahead');
    if (payload.iat !== undefined && payload.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw refuse('iat in the future');
    if (rules.boundedSpan) {
      for (const start of [payload.nbf, payload.iat]) {
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

/** The refusal a failed `jwtVerify` stands for; its payload only when the signature had verified (claim checks come after it). */
function refusalOf(error: unknown): ClientJwtRefusal {
  // The client's keys could not be had (none registered, jwks_uri unreachable): the caller's error, its reason kept.
  if (error instanceof DomainError) {
    if (error.code !== 'invalid_client') throw error;
    return { reason: 'the client keys are not available', detail: error.detail ?? error.description };
  }
  const detail = `${(error as { code?: string }).code ?? 'invalid'}: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof joseErrors.JWTExpired) return { reason: 'expired', detail, payload: error.payload };
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return { reason: `${/^[a-z]{1,16}$/.test(error.claim) ? error.claim : 'a'} claim not accepted`, detail, payload: error.payload };
  }
  return { reason: 'signature, algorithm or key not accepted', detail };
}
