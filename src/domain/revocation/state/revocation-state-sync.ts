import type { ChangeBus, ChangeEvent } from '../../changes/change-bus';
import { RevocationState, type RevocationSnapshot } from './revocation-state';

/** Revocation keys (the bus events' keys) recorded since a high-water mark, and the next mark. */
export interface RevocationChanges {
  keys: readonly string[];
  highWater: string;
  /** The current {@link RevocationSnapshot.familyRetentionSeconds}, read with the changes. */
  familyRetentionSeconds?: number;
}

/** Encodes revocation events on the bus (`topic: 'revocation'`); the change log records the same keys. */
export const revocationEvent = {
  jti: (jti: string, expiresAtSeconds: number): ChangeEvent => ({
    topic: 'revocation',
    kind: 'revoked',
    key: `jti:${jti}:${expiresAtSeconds}`,
  }),
  family: (familyId: string): ChangeEvent => ({ topic: 'revocation', kind: 'revoked', key: `family:${familyId}` }),
  /**
   * Many families at once, for this process's listeners only ({@link ChangeBus.replay}: one event instead of one per
   * family); the change log and other processes know them as `family:` keys.
   */
  families: (familyIds: readonly string[]): ChangeEvent => ({
    topic: 'revocation',
    kind: 'revoked',
    key: `families:${familyIds.join(',')}`,
  }),
  cutoff: (kind: 'user' | 'client', subject: string, atMs: number): ChangeEvent => ({
    topic: 'revocation',
    kind: 'revoked',
    key: `cutoff:${kind}:${atMs}:${subject}`,
  }),
  device: (deviceId: string): ChangeEvent => ({ topic: 'revocation', kind: 'revoked', key: `device:${deviceId}` }),
  /** Anything else: every process reloads its state in full. */
  reload: (why: string): ChangeEvent => ({ topic: 'revocation', kind: 'revoked', key: `reload:${why}` }),
};

/** How often {@link RevocationStateSync.start} reads the change log: the bound on a revocation whose notification was lost (issue 10: every process enforces a revocation within 1 s). One indexed read per process per interval. */
export const CHANGE_POLL_INTERVAL_MS = 750;
/** Change-log keys that name a cached user, tenant or client rather than revocation state (replayed as bus events). */
const CACHE_KEY = /^(user|tenant|client):/;
/** Without a successful load or poll for this long, the state is not trusted (the database answers). */
const STALE_AFTER_MS = 30_000;
/** Past this since the last successful read, the change log may have been purged: reload in full instead. */
const FULL_RELOAD_AFTER_MS = 10 * 60_000;

export interface RevocationStateSyncOptions {
  /** Reads the change log since a high-water mark (from a snapshot or an earlier call). */
  changes?: (since: string) => Promise<RevocationChanges>;
  /** Told of each full load (what it took), for logs. */
  loaded?: (info: { ms: number; jtis: number; fullReloads: number }) => void;
}

/**
 * Keeps a {@link RevocationState} current: loaded at start, fed by revocation
 * events from the bus, fully reloaded when the bus resyncs (or an event asks
 * for it), and, with {@link start}, topped up from the change log every
 * {@link CHANGE_POLL_INTERVAL_MS}, so a revocation whose notification alone
 * was lost is enforced within that interval. The state is `current` only while
 * it is loaded, no reload is pending, the bus is connected and (with a change
 * log) the log was read in the last {@link STALE_AFTER_MS}; otherwise callers
 * must ask the database. The change log also names tenants and clients whose
 * change makes tokens inactive through their caches (a tenant cutoff, a
 * deleted tenant, a client disabled, deleted, re-keyed or losing a scope, a
 * user disabled, deleted or losing the admin role): those are replayed to this
 * process's bus listeners ({@link ChangeBus.replay}), as the lost notification
 * would have been delivered.
 */
export class RevocationStateSync {
  readonly state = new RevocationState();
  /** Full loads done (start, resyncs, reload events); incremental ones do not count. */
  fullReloads = 0;
  /** Change-log reads done. */
  changeReads = 0;
  private loaded = false;
  private reloading: Promise<void> | null = null;
  private again = false;
  private duringReload: ChangeEvent[] = [];
  private highWater: string | null = null;
  private generation = 0;
  private polling = false;
  private syncedAt = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly bus: ChangeBus,
    private readonly load: () => Promise<RevocationSnapshot>,
    private readonly nowSeconds: () => number,
    /** Told of a failed load (`load`) or change-log read (`changes`); the state is not current meanwhile, or soon. */
    private readonly warn: (error: unknown, what?: 'load' | 'changes') => void,
    private readonly options: RevocationStateSyncOptions = {},
  ) {
    bus.subscribe((event) => {
      if (event.topic !== 'revocation') return;
      if (this.reloading) this.duringReload.push(event);
      this.apply(event.key);
    });
    bus.onResync(() => void this.reload());
  }

  /** True when the state may answer without the database. */
  get current(): boolean {
    return (
      this.loaded &&
      this.reloading === null &&
      this.bus.live &&
      (!this.options.changes || performance.now() - this.syncedAt < STALE_AFTER_MS)
    );
  }

  /** (Re)loads the state; concurrent calls share one load, and a call during a load schedules one more. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.loaded = false;
    this.duringReload = [];
    this.generation++;
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          const started = performance.now();
          const previous = this.highWater;
          const snapshot = await this.load();
          await this.state.load(snapshot, this.nowSeconds);
          if (previous !== null && this.options.changes) {
            // Tenant, client and user changes logged since the last read are in no snapshot: their caches are invalidated as the poll would have.
            for (const key of (await this.options.changes(previous)).keys) if (CACHE_KEY.test(key)) this.apply(key);
          }
          this.highWater = snapshot.highWater ?? null;
          for (const event of this.duringReload) this.apply(event.key);
          this.duringReload = [];
          this.fullReloads++;
          this.syncedAt = performance.now();
          this.options.loaded?.({
            ms: Math.round(this.syncedAt - started),
            jtis: this.state.revokedJtiCount,
            fullReloads: this.fullReloads,
          });
        } while (this.again);
        this.loaded = true;
      } catch (error) {
        this.warn(error, 'load');
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  /**
   * Applies what the change log recorded since the last load or read
   * (idempotent: a key read twice changes nothing). Skipped while a load runs;
   * replaced by a full load when the last read is too old for the log.
   */
  async poll(): Promise<void> {
    const read = this.options.changes;
    if (!read || !this.loaded || this.reloading || this.polling || this.highWater === null) return;
    if (performance.now() - this.syncedAt > FULL_RELOAD_AFTER_MS) {
      await this.reload();
      return;
    }
    this.polling = true;
    const generation = this.generation;
    try {
      const changes = await read(this.highWater);
      if (changes.familyRetentionSeconds !== undefined) this.state.raiseFamilyRetention(changes.familyRetentionSeconds);
      for (const key of changes.keys) this.apply(key);
      // A load that started meanwhile has its own mark (and replaced what was applied here).
      if (generation === this.generation && !this.reloading) {
        this.highWater = changes.highWater;
        this.syncedAt = performance.now();
        this.changeReads++;
      }
    } catch (error) {
      this.warn(error, 'changes');
    } finally {
      this.polling = false;
    }
  }

  /** Reads the change log every `intervalMs` until {@link stop}. */
  start(intervalMs = CHANGE_POLL_INTERVAL_MS): void {
    if (this.timer || !this.options.changes) return;
    this.timer = setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Periodic upkeep: drops expired jtis and families and devices past their retention ({@link RevocationState.prune}), and retries a load that failed (the database was down). */
  prune(): void {
    if (!this.loaded && !this.reloading) void this.reload();
    else this.state.prune(this.nowSeconds());
  }

  private apply(key: string): void {
    const [what, ...rest] = key.split(':');
    if (what === 'jti') this.state.addJti(rest[0]!, Number(rest[1]), this.nowSeconds());
    else if (what === 'family') this.state.addFamily(rest[0]!, this.nowSeconds());
    else if (what === 'families') {
      const now = this.nowSeconds();
      for (const id of rest[0]!.split(',')) if (id) this.state.addFamily(id, now);
    } else if (what === 'device') this.state.addDevice(rest[0]!, this.nowSeconds());
    // A user disabled, deleted or no longer admin, a tenant cutoff raised or a tenant deleted, a client disabled, deleted,
    // given a new secret or losing a scope: what the user, tenant or client event does.
    else if (what === 'user') this.bus.replay({ topic: 'user', kind: 'updated', key: rest[0]! });
    else if (what === 'tenant') this.bus.replay({ topic: 'tenant', kind: rest[1] === 'deleted' ? 'deleted' : 'updated', key: rest[0]! });
    else if (what === 'client') this.bus.replay({ topic: 'client', kind: 'updated', key: rest.join(':') });
    else if (what === 'cutoff') this.state.setCutoff(rest[0] as 'user' | 'client', rest.slice(2).join(':'), Number(rest[1]));
    else if (!this.reloading) void this.reload();
    else this.again = true;
  }
}
