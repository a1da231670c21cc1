import type { Clock } from '../clock';
import { epochSeconds } from '../clock';
import { DomainError, isDomainError } from '../errors';
import { errors } from '../errors';
import type { ReplayGuard } from '../replay/replay-guard';
import { mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import type { DpopNonces } from './dpop-nonces';
import { DPOP_CLOCK_SKEW_SECONDS, DPOP_PROOF_WINDOW_SECONDS, verifyDpopProof, type CheckedDpopProof } from './verify-dpop-proof';

/** What a request offers for DPoP (RFC 9449 §4.1), as the edge read it. */
export interface DpopPresentation {
  /** The `DPoP` header's value; undefined when the request has none. */
  readonly proof: string | undefined;
  /** The request's method. */
  readonly htm: string;
  /** The request's URL without query: the server's public URL (ISSUER) and the request path. */
  readonly htu: string;
}

/** Rules narrower than RFC 9449's that a caller may put on a proof (a security profile's, FAPI 2.0 §5.3.2.1 and §5.4.1). */
export interface DpopNarrowing {
  /** The only JWS algorithms accepted; null or absent: every one of DPOP_SIGNING_ALGORITHMS. */
  readonly algorithms?: readonly string[] | null;
  /** The furthest `iat` may lie ahead of the server's clock, in seconds. */
  readonly maxFutureSeconds?: number;
}

/** Errors a protected resource answers in the DPoP scheme (RFC 9449 §7.1): 401 (403) with `WWW-Authenticate: DPoP`. */
const RESOURCE_ERRORS = new Set(['invalid_token', 'insufficient_scope', 'invalid_dpop_proof', 'use_dpop_nonce']);

/** `error` as a protected resource's DPoP challenge (RFC 9449 §7.1), anything else as it is. */
export function asDpopChallenge(error: unknown): unknown {
  if (!isDomainError(error) || !RESOURCE_ERRORS.has(error.code) || error.challenge === 'DPoP') return error;
  return new DomainError(error.code, error.description, {
    challenge: 'DPoP',
    requiredScope: error.requiredScope,
    dpopNonce: error.dpopNonce,
    detail: error.detail,
  });
}

/**
 * DPoP proofs (RFC 9449) at the token endpoint and the protected resources: the proof's own
 * checks ({@link verifyDpopProof}, no storage), the server nonce when required or sent (§8,
 * stateless {@link DpopNonces}), and single use of its `jti` on every process (§11.1, the
 * {@link ReplayGuard}: one insert, the only database work a proof costs).
 */
export class DpopProofs {
  constructor(
    private readonly nonces: DpopNonces,
    private readonly replays: ReplayGuard,
    private readonly clock: Clock,
    /** DPOP_REQUIRE_NONCE: every proof must carry a current server nonce. */
    readonly requireNonce: boolean,
  ) {}

  /**
   * The checks that need no storage, at once: the proof itself, then its nonce (a nonce sent
   * but no longer valid is refused even when nonces are not required, as node-oidc-provider does).
   */
  check(presentation: DpopPresentation, accessToken?: string): CheckedDpopProof {
    const { proof } = presentation;
    if (proof === undefined || proof === '') throw errors.invalidDpopProof('a DPoP proof is required');
    // Node joins repeated headers with ", "; a compact JWS has no comma (§4.3 check 1: exactly one).
    if (proof.includes(',')) throw errors.invalidDpopProof('send exactly one DPoP header');
    const checked = verifyDpopProof(proof, { htm: presentation.htm, htu: presentation.htu, accessToken, now: epochSeconds(this.clock) });
    if (checked.nonce !== undefined ? !this.nonces.accepts(checked.nonce) : this.requireNonce) {
      throw errors.useDpopNonce(
        this.nonces.current(),
        checked.nonce === undefined ? undefined : 'the DPoP proof nonce is invalid or expired; use the one of the DPoP-Nonce header',
      );
    }
    return checked;
  }

  /** Claims the proof's `jti` for its key until the proof could no longer be accepted; a second use anywhere is refused. */
  async claim(checked: CheckedDpopProof): Promise<void> {
    const until = new Date((checked.iat + DPOP_PROOF_WINDOW_SECONDS + DPOP_CLOCK_SKEW_SECONDS) * 1000);
    if (!(await this.replays.claimOnce('dpop_proof', checked.jkt, checked.jti, until))) {
      throw errors.invalidDpopProof('the DPoP proof has already been used');
    }
  }

  /**
   * The token endpoint's check (§5): the proof's key thumbprint once every check passed and its `jti` is claimed;
   * `narrower`, when given, narrows the allowed algorithms and how far ahead `iat` may be.
   */
  async verify(presentation: DpopPresentation, narrower?: DpopNarrowing): Promise<string> {
    const checked = this.check(presentation);
    // A caller's narrower rules (a security profile's): refused before the jti is spent.
    if (narrower?.algorithms && !narrower.algorithms.includes(checked.alg)) {
      throw errors.invalidDpopProof(`the DPoP proof alg ${checked.alg} is not allowed for this client`);
    }
    if (narrower?.maxFutureSeconds !== undefined && checked.iat > epochSeconds(this.clock) + narrower.maxFutureSeconds) {
      throw errors.invalidDpopProof('the DPoP proof iat is too far in the future');
    }
    await this.claim(checked);
    return checked.jkt;
  }

  /**
   * A protected resource's check of `Authorization: DPoP <token>` (§7.1): the proof with `ath`
   * for the token, then the token by `verifyToken` bound to the proof's key, then single use
   * of the proof. Every failure answers with a DPoP challenge. The `jti` insert is the one
   * promise (and query) of a warm request.
   */
  async verifyAccess<T>(
    token: string,
    presentation: DpopPresentation,
    verifyToken: (token: string, jkt: string) => MaybePromise<T>,
  ): Promise<T> {
    try {
      const checked = this.check(presentation, token);
      return await mapMaybePromise(verifyToken(token, checked.jkt), async (verified) => {
        await this.claim(checked);
        return verified;
      });
    } catch (error) {
      throw asDpopChallenge(error);
    }
  }

  /** The `DPoP-Nonce` a successful DPoP response carries when nonces are required (§8.2), so clients keep a fresh one. */
  nonceForResponse(): string | undefined {
    return this.requireNonce ? this.nonces.current() : undefined;
  }
}
