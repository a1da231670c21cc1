import { DEVICE_TOKEN_LIFETIME_SECONDS } from '../../device-token-sets/device-token-set';

/**
 * Slack added to every retention below: the 30 s a process may still trust a
 * state that missed a revocation (and so issue, from a warm device-token
 * cache, one more token carrying the revoked id), clock skew between the
 * processes and PostgreSQL, and the lifetime of a remembered device refresh
 * token (`VERIFIED_DEVICE_TOKEN_TTL_MS`, 5 min), which must stay below it.
 */
export const REVOKED_ENTRY_MARGIN_SECONDS = 600;

/**
 * How long a revoked device stays in memory after its revocation: the device
 * access tokens and IdTokens carrying its `device_id` live
 * {@link DEVICE_TOKEN_LIFETIME_SECONDS} (fixed, not configurable), plus
 * {@link REVOKED_ENTRY_MARGIN_SECONDS}.
 */
export const DEVICE_RETENTION_SECONDS = DEVICE_TOKEN_LIFETIME_SECONDS + REVOKED_ENTRY_MARGIN_SECONDS;

/**
 * How long a revoked refresh family stays in memory after its revocation,
 * given the longest access-token lifetime its client has ever had
 * (`clients.access_token_lifetime_max`, a high-water mark kept by trigger:
 * lowering the setting later does not shorten tokens issued before). A
 * family issues no token once revoked (the refresh and code grants read the
 * database), so every access token carrying its `sid` expires by
 * `revoked_at + lifetime`; device families' tokens live 24 h.
 */
export function familyRetentionSeconds(longestAccessTokenLifetimeSeconds: number): number {
  return Math.max(longestAccessTokenLifetimeSeconds, DEVICE_TOKEN_LIFETIME_SECONDS) + REVOKED_ENTRY_MARGIN_SECONDS;
}

/** A loaded entry: the id and the epoch second after which no token it revokes can be accepted any more. */
export type RevokedIdEntry = readonly [id: string, keepUntilSeconds: number];

/**
 * Revoked ids (refresh families or devices), each kept only as long as a token
 * it revokes could still be accepted from memory. The in-memory state is only
 * one of the places revocation is enforced: refresh-token grants, cold device
 * refreshes and refresh-token introspection read the database, so an entry is
 * needed only for the tokens checked against memory alone, namely access
 * tokens carrying the id (`sid`, `device_id`), until their latest possible
 * expiry, and remembered device refresh tokens (5 min at most).
 *
 * Loaded entries carry their exact keep-until time (computed by the loader
 * from `revoked_at`); entries added by an event (bus or change log) carry the
 * time they were added and are kept for a retention given at each
 * {@link prune}, so a retention that grew since (a client's lifetime raised)
 * still applies to them. One map, one lookup per check: the value is the
 * keep-until second when positive, minus the added-at second when negative.
 */
export class RevokedIdSet {
  private entries = new Map<string, number>();

  get size(): number {
    return this.entries.size;
  }

  /** Replaces the contents; a bare id counts as added by an event at `nowSeconds`. */
  replace(entries: Iterable<string | RevokedIdEntry>, nowSeconds: number): void {
    const next = new Map<string, number>();
    for (const entry of entries) {
      if (typeof entry === 'string') next.set(entry.toLowerCase(), -nowSeconds);
      else next.set(entry[0].toLowerCase(), entry[1]);
    }
    this.entries = next;
  }

  /** Adds an id revoked now (an event); a loaded entry keeps its exact bound (the revocation it records came first). */
  add(id: string, nowSeconds: number): void {
    const key = id.toLowerCase();
    const known = this.entries.get(key);
    if (known === undefined || known < 0) this.entries.set(key, -nowSeconds);
  }

  has(id: string): boolean {
    return this.entries.has(id.toLowerCase());
  }

  /** Drops entries past their keep-until time; event entries are kept `eventRetentionSeconds` from when they were added. */
  prune(nowSeconds: number, eventRetentionSeconds: number): void {
    for (const [id, value] of this.entries) {
      const keepUntil = value >= 0 ? value : -value + eventRetentionSeconds;
      if (keepUntil < nowSeconds) this.entries.delete(id);
    }
  }
}
