import type { ChangeBus, ChangeEvent } from '../cache/change-bus';
import type { RevocationStateSync } from '../revocation/revocation-state';
import type { RefreshTokenRecord } from '../tokens/refresh-token-record';

/**
 * How long a verified device token is remembered at most; a safety net, since changes arrive over the bus.
 * Must stay below `REVOKED_ENTRY_MARGIN_SECONDS` (revoked-id-set.ts): a remembered token is re-checked against
 * revoked devices and families that the state keeps only that long past the 24 h of device tokens.
 */
export const VERIFIED_DEVICE_TOKEN_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 20_000;

interface Entry {
  readonly record: RefreshTokenRecord;
  readonly expiresAt: number;
}

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
 */
export class VerifiedDeviceTokens {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation, so a load that started before one is not stored. */
  private generation = 0;

  constructor(
    bus: ChangeBus,
    private readonly revocation: Pick<RevocationStateSync, 'current' | 'state'>,
    private readonly nowMs: () => number = Date.now,
  ) {
    bus.onResync(() => this.drop(() => true));
    bus.subscribe((event) => this.onChange(event));
  }

  get size(): number {
    return this.entries.size;
  }

  /** The remembered record of a token hash, when it may be used without the database; else undefined. */
  get(tokenHash: string): RefreshTokenRecord | undefined {
    if (!this.revocation.current) return undefined;
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    const { record } = entry;
    if (entry.expiresAt <= this.nowMs() || this.revokedSince(record)) {
      // The database answers (and refuses) from here on.
      this.entries.delete(tokenHash);
      return undefined;
    }
    return record;
  }

  /** A ticket to pass to {@link remember} for a load about to start. */
  ticket(): number {
    return this.generation;
  }

  /** Stores a record that verified, unless an invalidation overtook its load or the state is not current. */
  remember(tokenHash: string, record: RefreshTokenRecord, ticket: number): void {
    if (ticket !== this.generation || !this.revocation.current || record.deviceId === null) return;
    if (this.entries.size >= MAX_ENTRIES && !this.entries.has(tokenHash)) {
      const eldest = this.entries.keys().next().value;
      if (eldest !== undefined) this.entries.delete(eldest);
    }
    this.entries.set(tokenHash, { record, expiresAt: this.nowMs() + VERIFIED_DEVICE_TOKEN_TTL_MS });
  }

  private revokedSince(record: RefreshTokenRecord): boolean {
    const state = this.revocation.state;
    if (state.isFamilyRevoked(record.familyId)) return true;
    if (record.deviceId !== null && state.isDeviceRevoked(record.deviceId)) return true;
    const cutoff = state.cutoffMs(record.userId, record.clientId);
    return cutoff !== null && record.createdAt.getTime() < cutoff;
  }

  private onChange(event: ChangeEvent): void {
    switch (event.topic) {
      case 'user':
        return this.drop((record) => record.userId === event.key);
      case 'client':
        return this.drop((record) => record.clientId === event.key);
      case 'tenant':
        return this.drop(() => true);
      case 'revocation': {
        const [what, subject] = event.key.split(':', 2);
        // A single access token's jti concerns no refresh token.
        if (what === 'jti') return;
        if (what === 'family') return this.drop((record) => record.familyId === subject?.toLowerCase());
        if (what === 'device') return this.drop((record) => record.deviceId === subject?.toLowerCase());
        // Cutoffs are re-checked on every hit as well; reloads (a revoked device) and anything new drop everything.
        return this.drop(() => true);
      }
      default:
        return;
    }
  }

  private drop(matches: (record: RefreshTokenRecord) => boolean): void {
    this.generation++;
    if (this.entries.size === 0) return;
    for (const [hash, entry] of this.entries) if (matches(entry.record)) this.entries.delete(hash);
  }
}
