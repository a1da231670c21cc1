import { sha256 } from '../crypto/random';
import type { Clock } from '../clock';
import type { ReplayStore } from './replay-store';

/** What a single-use identifier belongs to: each kind has its own namespace. */
export type ReplayKind =
  | 'client_assertion'
  | 'dpop_proof'
  | 'request_uri'
  | 'request_object'
  | 'webauthn_challenge'
  | 'federation_state'
  | 'upstream_logout_token'
  | 'federation_link';

/** The longest any identifier is remembered, whatever its expiry says (assertions and proofs are bounded well below it). */
const MAX_REMEMBER_MS = 24 * 3600_000;

/**
 * The one rule "this identifier is used once, on every process" (RFC 7523 §3 `jti` of client
 * assertions, RFC 9449 §11.1 DPoP proof `jti`, RFC 9126 §2.2 `request_uri`, RFC 9101 request
 * objects). An identifier is claimed in the shared store until it expires; a second claim
 * within that time, here or on another instance, is refused. Identifiers are namespaced by
 * kind and issuer (a client id or a key thumbprint) and stored as a digest, so their size and
 * content are bounded whatever a caller sends.
 *
 * Cost: one single-row insert per first use (no read before it); a replay in this process is
 * refused from memory without a query.
 */
export class ReplayGuard {
  /** Keys this process claimed, until their expiry (a local replay is refused without a query). */
  private readonly recent = new Map<string, number>();
  private sweepAt = 0;

  constructor(
    private readonly store: ReplayStore,
    private readonly clock: Clock,
    private readonly maxRecent = 100_000,
  ) {}

  /**
   * Claims `id` of `kind` for `issuer` until `expiresAt`: true on first use, false for a replay.
   * An `expiresAt` already past is still claimed (for the shortest time), so a caller's clock
   * skew allowance cannot reopen the identifier.
   */
  async claimOnce(kind: ReplayKind, issuer: string, id: string, expiresAt: Date): Promise<boolean> {
    const claim = this.begin(kind, issuer, id, expiresAt);
    if (!claim) return false;
    const first = await this.store.claim(claim.key, new Date(claim.until));
    if (first) this.recent.set(claim.key, claim.until);
    return first;
  }

  /**
   * The same claim, written by `write` together with what the caller stores on first use, in one
   * statement of the caller's store (a passkey's counter with its challenge): `write` gets the key
   * and expiry to insert-or-take-over in `used_identifiers` exactly as {@link ReplayStore.claim}
   * does, and says whether it claimed it. A replay this process remembers is refused without it.
   */
  async claimOnceWith<T>(
    kind: ReplayKind,
    issuer: string,
    id: string,
    expiresAt: Date,
    write: (key: string, until: Date) => Promise<{ claimed: boolean; value: T }>,
  ): Promise<{ claimed: true; value: T } | { claimed: false }> {
    const claim = this.begin(kind, issuer, id, expiresAt);
    if (!claim) return { claimed: false };
    const written = await write(claim.key, new Date(claim.until));
    if (!written.claimed) return { claimed: false };
    this.recent.set(claim.key, claim.until);
    return { claimed: true, value: written.value };
  }

  /** The store key and expiry of a claim, or null for a replay this process remembers. */
  private begin(kind: ReplayKind, issuer: string, id: string, expiresAt: Date): { key: string; until: number } | null {
    const now = this.clock.now().getTime();
    const until = Math.min(Math.max(expiresAt.getTime(), now + 1000), now + MAX_REMEMBER_MS);
    const key = sha256(`${kind}\u0000${issuer}\u0000${id}`);
    const known = this.recent.get(key);
    if (known !== undefined && known > now) return null;
    this.sweep(now);
    return { key, until };
  }

  private sweep(now: number): void {
    if (this.recent.size < this.maxRecent && now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    for (const [key, until] of this.recent) if (until <= now) this.recent.delete(key);
    // Still full of live keys: forget the oldest half (the store still refuses their replays).
    if (this.recent.size >= this.maxRecent) {
      let drop = Math.ceil(this.recent.size / 2);
      for (const key of this.recent.keys()) {
        if (drop-- <= 0) break;
        this.recent.delete(key);
      }
    }
  }
}
