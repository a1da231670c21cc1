import type { ChangeBus, ChangeEvent } from '../cache/change-bus';

/** Bytes of one revoked-jti record: the UUID's 16 bytes then its expiry (uint32 epoch seconds, big-endian). */
export const JTI_RECORD_BYTES = 20;
/** Recent revocations are kept in a Map and merged into the sorted buffer past this many. */
const MERGE_AT = 4096;

/** Everything the state is (re)loaded from; `jtis` are sorted {@link JTI_RECORD_BYTES}-byte records of unexpired revoked tokens. */
export interface RevocationSnapshot {
  jtis: Uint8Array;
  families: Iterable<string>;
  /** `user:<id>` / `client:<client_id>` → cutoff epoch ms. */
  cutoffs: Iterable<readonly [string, number]>;
}

const HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID's 16 bytes (null when `uuid` is not one). */
export function uuidBytes(uuid: string): Uint8Array | null {
  if (!HEX.test(uuid)) return null;
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

function compare(records: Uint8Array, index: number, key: Uint8Array): number {
  const base = index * JTI_RECORD_BYTES;
  for (let i = 0; i < 16; i++) {
    const d = records[base + i]! - key[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function expiryAt(records: Uint8Array, index: number): number {
  const b = index * JTI_RECORD_BYTES + 16;
  return ((records[b]! << 24) >>> 0) + (records[b + 1]! << 16) + (records[b + 2]! << 8) + records[b + 3]!;
}

/**
 * Revocation state held in memory by every process: unexpired revoked access
 * tokens (a sorted buffer of 20-byte records searched by bisection, plus a
 * small map of recent ones), revoked refresh families and user/client cutoffs.
 * Transport-free; {@link RevocationStateSync} keeps it current from the change bus.
 */
export class RevocationState {
  private sorted: Uint8Array = new Uint8Array(0);
  private readonly recent = new Map<string, number>();
  private families = new Set<string>();
  private cutoffs = new Map<string, number>();

  replace(snapshot: RevocationSnapshot): void {
    this.sorted = snapshot.jtis;
    this.recent.clear();
    this.families = new Set(snapshot.families);
    this.cutoffs = new Map(snapshot.cutoffs);
  }

  get revokedJtiCount(): number {
    return this.sorted.length / JTI_RECORD_BYTES + this.recent.size;
  }

  addJti(jti: string, expiresAtSeconds: number, nowSeconds: number): void {
    if (expiresAtSeconds <= nowSeconds || !HEX.test(jti)) return;
    this.recent.set(jti.toLowerCase(), expiresAtSeconds);
    if (this.recent.size >= MERGE_AT) this.merge(nowSeconds);
  }

  isJtiRevoked(jti: string, nowSeconds: number): boolean {
    const recent = this.recent.get(jti.toLowerCase());
    if (recent !== undefined) return recent > nowSeconds;
    const key = uuidBytes(jti);
    if (!key) return false;
    let lo = 0;
    let hi = this.sorted.length / JTI_RECORD_BYTES - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = compare(this.sorted, mid, key);
      if (d === 0) return expiryAt(this.sorted, mid) > nowSeconds;
      if (d < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  addFamily(familyId: string): void {
    this.families.add(familyId.toLowerCase());
  }

  isFamilyRevoked(familyId: string): boolean {
    return this.families.has(familyId.toLowerCase());
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

  /** Drops expired jtis and merges the recent ones into the sorted buffer. */
  prune(nowSeconds: number): void {
    this.merge(nowSeconds);
  }

  private merge(nowSeconds: number): void {
    const added: [Uint8Array, number][] = [];
    for (const [jti, exp] of this.recent) if (exp > nowSeconds) added.push([uuidBytes(jti)!, exp]);
    added.sort((a, b) => Buffer.compare(a[0], b[0]));
    const old = this.sorted;
    const oldCount = old.length / JTI_RECORD_BYTES;
    const out = new Uint8Array((oldCount + added.length) * JTI_RECORD_BYTES);
    let o = 0;
    let i = 0;
    let j = 0;
    const push = (bytes: Uint8Array, exp: number) => {
      out.set(bytes, o);
      out[o + 16] = exp >>> 24;
      out[o + 17] = (exp >>> 16) & 0xff;
      out[o + 18] = (exp >>> 8) & 0xff;
      out[o + 19] = exp & 0xff;
      o += JTI_RECORD_BYTES;
    };
    while (i < oldCount || j < added.length) {
      const takeOld = j >= added.length || (i < oldCount && compare(old, i, added[j]![0]) <= 0);
      if (takeOld) {
        if (i < oldCount && j < added.length && compare(old, i, added[j]![0]) === 0) j++;
        const exp = expiryAt(old, i);
        if (exp > nowSeconds) push(old.subarray(i * JTI_RECORD_BYTES, i * JTI_RECORD_BYTES + 16), exp);
        i++;
      } else {
        push(added[j]![0], added[j]![1]);
        j++;
      }
    }
    this.sorted = out.slice(0, o);
    this.recent.clear();
  }
}

/** Encodes revocation events on the bus (`topic: 'revocation'`). */
export const revocationEvent = {
  jti: (jti: string, expiresAtSeconds: number): ChangeEvent => ({ topic: 'revocation', kind: 'revoked', key: `jti:${jti}:${expiresAtSeconds}` }),
  family: (familyId: string): ChangeEvent => ({ topic: 'revocation', kind: 'revoked', key: `family:${familyId}` }),
  cutoff: (kind: 'user' | 'client', subject: string, atMs: number): ChangeEvent => ({ topic: 'revocation', kind: 'revoked', key: `cutoff:${kind}:${atMs}:${subject}` }),
  /** Anything else (a device's families): every process reloads its state. */
  reload: (why: string): ChangeEvent => ({ topic: 'revocation', kind: 'revoked', key: `reload:${why}` }),
};

/**
 * Keeps a {@link RevocationState} current: loaded at start, fed by revocation
 * events, fully reloaded when the bus resyncs (or an event asks for it). The
 * state is `current` only while the bus is connected and no reload is pending;
 * otherwise callers must ask the database.
 */
export class RevocationStateSync {
  readonly state = new RevocationState();
  private loaded = false;
  private reloading: Promise<void> | null = null;
  private again = false;
  private duringReload: ChangeEvent[] = [];

  constructor(
    private readonly bus: ChangeBus,
    private readonly load: () => Promise<RevocationSnapshot>,
    private readonly nowSeconds: () => number,
    private readonly warn: (error: unknown) => void,
  ) {
    bus.subscribe((event) => {
      if (event.topic !== 'revocation') return;
      if (this.reloading) this.duringReload.push(event);
      this.apply(event);
    });
    bus.onResync(() => void this.reload());
  }

  /** True when the state may answer without the database. */
  get current(): boolean {
    return this.loaded && this.reloading === null && this.bus.live;
  }

  /** (Re)loads the state; concurrent calls share one load, and a call during a load schedules one more. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.loaded = false;
    this.duringReload = [];
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          const snapshot = await this.load();
          this.state.replace(snapshot);
          for (const event of this.duringReload) this.apply(event);
          this.duringReload = [];
        } while (this.again);
        this.loaded = true;
      } catch (error) {
        this.warn(error);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  /** Periodic upkeep: drops expired jtis, and retries a load that failed (the database was down). */
  prune(): void {
    if (!this.loaded && !this.reloading) void this.reload();
    else this.state.prune(this.nowSeconds());
  }

  private apply(event: ChangeEvent): void {
    const [what, ...rest] = event.key.split(':');
    if (what === 'jti') this.state.addJti(rest[0]!, Number(rest[1]), this.nowSeconds());
    else if (what === 'family') this.state.addFamily(rest[0]!);
    else if (what === 'cutoff') this.state.setCutoff(rest[0] as 'user' | 'client', rest.slice(2).join(':'), Number(rest[1]));
    else if (!this.reloading) void this.reload();
    else this.again = true;
  }
}
