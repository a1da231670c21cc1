import type { MaybePromise } from '../util/maybe-promise';
import type { ChangeBus, ChangeEvent } from '../changes/change-bus';
import { TtlCache } from '../cache/ttl-cache';
import type { RevocationStateSync } from '../revocation/state/revocation-state-sync';
import type { RefreshTokenRecord } from '../tokens/refresh-token-record';

/**
 * How long a verified device token is remembered at most; a safety net, since changes arrive over the bus.
 * Must stay below `REVOKED_ENTRY_MARGIN_SECONDS` (revoked-id-set.ts): a remembered token is re-checked against
 * revoked devices and families that the state keeps only that long past the 24 h of device tokens.
 */
export const VERIFIED_DEVICE_TOKEN_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 20_000;

/**
 * Device refresh tokens that verified against the database, by token hash, so
 * a warm seed 002 device refresh reads no database. Device tokens are never
 * rotated, so the stored record stays the token's record; what can change is
 * what the record says about its family, user and client, and every such
 * change is honoured:
 *
 * - entries are served and stored only while the in-memory revocation state
 *   is current (change bus connected, no reload pending); otherwise the
 *   caller asks the database, as before;
 * - every hit re-checks that state: neither the family nor the device
 *   revoked, no user or client cutoff after the token was created; the caller
 *   re-checks expiry, the client and the tenant cutoffs from their caches
 *   (`RefreshTokenService.problemWith`);
 * - a change to the token's user (disabled, deleted, edited: the IdToken's
 *   claims come from the record), its client, any tenant, a revoked family or
 *   device, or a revocation reload drops the entries concerned, and a
 *   bus resync drops all. A load that such a change overtook is not stored.
 *
 * The remembering itself is a {@link TtlCache} (time to live, size bound,
 * shared concurrent loads, loads overtaken by a change not stored); this
 * class holds the rules above.
 */
export class VerifiedDeviceTokens {
  private readonly cache: TtlCache<RefreshTokenRecord | null>;

  constructor(
    bus: ChangeBus,
    private readonly revocation: Pick<RevocationStateSync, 'current' | 'state'>,
    nowMs: () => number = Date.now,
  ) {
    this.cache = new TtlCache<RefreshTokenRecord | null>({
      ttlMs: VERIFIED_DEVICE_TOKEN_TTL_MS,
      maxEntries: MAX_ENTRIES,
      // Unusable tokens (null) and tokens of no device are looked up every time.
      skip: (record) => record === null || record.deviceId === null,
      trusted: () => revocation.current,
      now: nowMs,
    });
    bus.onResync(() => this.cache.clear());
    bus.subscribe((event) => this.onChange(event));
  }

  get size(): number {
    return this.cache.size;
  }

  /** The remembered record of a token hash, when it may be used without the database; else undefined. */
  get(tokenHash: string): RefreshTokenRecord | undefined {
    const record = this.cache.peek(tokenHash);
    if (!record) return undefined;
    if (this.revokedSince(record)) {
      // The database answers (and refuses) from here on.
      this.cache.invalidate(tokenHash);
      return undefined;
    }
    return record;
  }

  /**
   * The record `inspect` reads from the database (null when the token is not
   * usable), remembered for the token's next presentations unless a change
   * overtook the read or the revocation state is not current.
   */
  load(tokenHash: string, inspect: () => Promise<RefreshTokenRecord | null>): MaybePromise<RefreshTokenRecord | null> {
    return this.cache.get(tokenHash, inspect);
  }

  private revokedSince(record: RefreshTokenRecord): boolean {
    const state = this.revocation.state;
    if (state.isFamilyRevoked(record.familyId)) return true;
    if (record.deviceId !== null && state.isDeviceRevoked(record.deviceId)) return true;
    const cutoff = state.cutoffMs(record.userId, record.clientId);
    return cutoff !== null && record.createdAt.getTime() < cutoff;
  }

  private onChange(event: ChangeEvent): void {
    const drop = (matches: (record: RefreshTokenRecord) => boolean) => this.cache.dropWhere((record) => record !== null && matches(record));
    switch (event.topic) {
      case 'user':
        return drop((record) => record.userId === event.key);
      case 'client':
        return drop((record) => record.clientId === event.key);
      case 'tenant':
        return drop(() => true);
      case 'revocation': {
        const [what, subject] = event.key.split(':', 2);
        // A single access token's jti concerns no refresh token.
        if (what === 'jti') return;
        if (what === 'family') return drop((record) => record.familyId === subject?.toLowerCase());
        if (what === 'families') {
          const families = new Set((subject ?? '').toLowerCase().split(','));
          return drop((record) => families.has(record.familyId));
        }
        if (what === 'device') return drop((record) => record.deviceId === subject?.toLowerCase());
        // Cutoffs are re-checked on every hit as well; reloads and anything new drop everything.
        return drop(() => true);
      }
      default:
        return;
    }
  }
}
