import { MAX_TOKEN_LIFETIME_SECONDS } from '../../clients/validate-client-settings';
import { JtiSet } from './jti-set';
import { DEVICE_RETENTION_SECONDS, familyRetentionSeconds, RevokedIdSet, type RevokedIdEntry } from './revoked-id-set';

export { JTI_RECORD_BYTES, uuidBytes } from './jti-set';

/** Everything the state is (re)loaded from; `jtis` are {@link JTI_RECORD_BYTES}-byte records of unexpired revoked tokens, in any order. */
export interface RevocationSnapshot {
  jtis: Uint8Array;
  /**
   * Revoked refresh families still needed in memory, each with the epoch
   * second it is needed until (see {@link familyRetentionSeconds}); a bare id
   * is kept as if revoked at load time.
   */
  families: Iterable<string | RevokedIdEntry>;
  /** `user:<id>` / `client:<client_id>` → cutoff epoch ms. */
  cutoffs: Iterable<readonly [string, number]>;
  /** Revoked devices (seed 002) still needed in memory, as {@link families} (see {@link DEVICE_RETENTION_SECONDS}). */
  devices?: Iterable<string | RevokedIdEntry>;
  /**
   * How long a family revoked by an event from now on is kept: {@link familyRetentionSeconds}
   * of the longest access-token lifetime any client has had. Absent: the longest allowed.
   */
  familyRetentionSeconds?: number;
  /** Where the change log (`RevocationChanges`, revocation-state-sync.ts) is to be read from after this snapshot; opaque. */
  highWater?: string;
}

/**
 * Revocation state held in memory by every process: unexpired revoked access
 * tokens (a compact {@link JtiSet}), revoked refresh families and revoked
 * devices while a token they revoke may still be accepted from memory
 * ({@link RevokedIdSet}: a family for {@link familyRetentionSeconds} after its
 * revocation, a device for {@link DEVICE_RETENTION_SECONDS}), and user/client
 * cutoffs. Transport-free; `RevocationStateSync` (revocation-state-sync.ts) keeps
 * it current from the change bus and the change log, and {@link prune} bounds it.
 */
export class RevocationState {
  private readonly jtis = new JtiSet();
  private readonly families = new RevokedIdSet();
  private readonly devices = new RevokedIdSet();
  private cutoffs = new Map<string, number>();
  /** Retention of families added by events; only grows between loads (a client's lifetime high-water only rises). */
  private familyRetention = familyRetentionSeconds(MAX_TOKEN_LIFETIME_SECONDS);

  replace(snapshot: RevocationSnapshot, nowSeconds: number): void {
    this.jtis.replace(snapshot.jtis);
    this.replaceSmallSets(snapshot, nowSeconds);
  }

  /** {@link replace} without blocking the event loop for the sort of a big jti set (everything changes at once at the end). */
  async load(snapshot: RevocationSnapshot, nowSeconds: () => number): Promise<void> {
    await this.jtis.replaceYielding(snapshot.jtis);
    this.replaceSmallSets(snapshot, nowSeconds());
  }

  private replaceSmallSets(snapshot: RevocationSnapshot, nowSeconds: number): void {
    this.families.replace(snapshot.families, nowSeconds);
    this.devices.replace(snapshot.devices ?? [], nowSeconds);
    this.cutoffs = new Map(snapshot.cutoffs);
    this.familyRetention = snapshot.familyRetentionSeconds ?? familyRetentionSeconds(MAX_TOKEN_LIFETIME_SECONDS);
  }

  /** Raises the retention of families added by events (read with the change log); never lowers it between loads. */
  raiseFamilyRetention(seconds: number): void {
    this.familyRetention = Math.max(this.familyRetention, seconds);
  }

  get revokedJtiCount(): number {
    return this.jtis.size;
  }

  get revokedFamilyCount(): number {
    return this.families.size;
  }

  get revokedDeviceCount(): number {
    return this.devices.size;
  }

  addJti(jti: string, expiresAtSeconds: number, nowSeconds: number): void {
    this.jtis.add(jti, expiresAtSeconds, nowSeconds);
  }

  isJtiRevoked(jti: string, nowSeconds: number): boolean {
    return this.jtis.has(jti, nowSeconds);
  }

  /** Records a family revoked (or deleted) now. */
  addFamily(familyId: string, nowSeconds: number): void {
    this.families.add(familyId, nowSeconds);
  }

  /** True when the family was revoked recently enough for a token carrying it to be unexpired (see {@link familyRetentionSeconds}). */
  isFamilyRevoked(familyId: string): boolean {
    return this.families.has(familyId);
  }

  /** Records a device revoked now. */
  addDevice(deviceId: string, nowSeconds: number): void {
    this.devices.add(deviceId, nowSeconds);
  }

  /**
   * True when the seed 002 device was revoked (within {@link DEVICE_RETENTION_SECONDS}):
   * its refresh token and every access token carrying its `device_id` are inactive.
   */
  isDeviceRevoked(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  /** Raises a cutoff (never lowers it). */
  setCutoff(kind: 'user' | 'client', subject: string, atMs: number): void {
    const key = `${kind}:${subject}`;
    this.cutoffs.set(key, Math.max(this.cutoffs.get(key) ?? 0, atMs));
  }

  /** The later of the user's and the client's cutoff, epoch ms, or null. */
  cutoffMs(userId: string | null, clientId: string): number | null {
    const user = userId ? this.cutoffs.get(`user:${userId}`) : undefined;
    const client = this.cutoffs.get(`client:${clientId}`);
    if (user === undefined && client === undefined) return null;
    return Math.max(user ?? 0, client ?? 0);
  }

  /**
   * Drops expired jtis and merges the recent ones into the sorted array; drops
   * families and devices revoked too long ago for any token they revoke to be
   * unexpired (those tokens fail on `exp`; refresh tokens are checked in the
   * database).
   */
  prune(nowSeconds: number): void {
    this.jtis.prune(nowSeconds);
    this.families.prune(nowSeconds, this.familyRetention);
    this.devices.prune(nowSeconds, DEVICE_RETENTION_SECONDS);
  }
}
