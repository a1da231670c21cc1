import { randomUUID } from 'node:crypto';
import {
  JTI_RECORD_BYTES,
  RevocationState,
  uuidBytes,
  type RevocationSnapshot,
} from '../../../../../src/domain/revocation/state/revocation-state';
import {
  revocationEvent,
  RevocationStateSync,
  type RevocationChanges,
} from '../../../../../src/domain/revocation/state/revocation-state-sync';
import { FakeBus } from '../../../../support/fake-change-bus';

const NOW = 1_800_000_000;

/** 20-byte records, as the loader returns them (in table order: any). */
function records(entries: [string, number][]): Uint8Array {
  const out = Buffer.alloc(entries.length * JTI_RECORD_BYTES);
  entries.forEach(([jti, exp], i) => {
    const bytes = uuidBytes(jti)!;
    out.set(bytes, i * JTI_RECORD_BYTES);
    out.writeUInt32BE(exp, i * JTI_RECORD_BYTES + 16);
  });
  return out;
}

describe('RevocationState', () => {
  it('finds loaded and added jtis until they expire, and prunes expired ones', () => {
    const loaded = Array.from({ length: 1000 }, (_, i) => [randomUUID(), NOW + (i % 2 === 0 ? 60 : -1)] as [string, number]);
    const state = new RevocationState();
    state.replace({ jtis: records(loaded), families: [], cutoffs: [] }, NOW);
    for (const [jti, exp] of loaded) expect(state.isJtiRevoked(jti, NOW)).toBe(exp > NOW);
    expect(state.isJtiRevoked(randomUUID(), NOW)).toBe(false);

    const added = randomUUID().toUpperCase();
    state.addJti(added, NOW + 30, NOW);
    state.addJti(randomUUID(), NOW - 5, NOW); // already expired: not kept
    expect(state.isJtiRevoked(added.toLowerCase(), NOW)).toBe(true);
    expect(state.revokedJtiCount).toBe(1001);

    state.prune(NOW);
    expect(state.revokedJtiCount).toBe(501);
    expect(state.isJtiRevoked(added, NOW)).toBe(true);
    for (const [jti, exp] of loaded) expect(state.isJtiRevoked(jti, NOW)).toBe(exp > NOW);
    state.prune(NOW + 31);
    expect(state.isJtiRevoked(added, NOW + 31)).toBe(false);
    expect(state.revokedJtiCount).toBe(500);
  });

  it('finds ids loaded in any order, skewed ones (one 16-bit bucket) and upper-case ones; never a non-uuid', () => {
    // Time-ordered ids share their first bytes: one bucket, sorted by comparison instead of insertion.
    const skewed = Array.from({ length: 300 }, (_, i) => `0000${String(i).padStart(4, '0')}-${randomUUID().slice(9)}`);
    const random = Array.from({ length: 3000 }, () => randomUUID());
    const all = [...skewed, ...random].map((jti) => [jti, NOW + 60] as [string, number]);
    const state = new RevocationState();
    state.replace({ jtis: records(all.reverse()), families: [], cutoffs: [] }, NOW);
    for (const [jti] of all) expect(state.isJtiRevoked(jti, NOW)).toBe(true);
    expect(state.isJtiRevoked(random[0]!.toUpperCase(), NOW)).toBe(true);
    expect(state.isJtiRevoked(randomUUID(), NOW)).toBe(false);
    expect(state.isJtiRevoked(`0000${'9999'}-${randomUUID().slice(9)}`, NOW)).toBe(false);
    for (const bad of ['', 'not-a-uuid', `${random[0]!.slice(0, 35)}g`, random[0]!.replaceAll('-', 'x'), `${random[0]!}0`])
      expect(state.isJtiRevoked(bad, NOW)).toBe(false);
    // Merging recent ids into the loaded ones keeps both findable, and the same id twice once.
    for (const jti of random.slice(0, 10)) state.addJti(jti, NOW + 60, NOW);
    const fresh = randomUUID();
    state.addJti(fresh, NOW + 60, NOW);
    state.prune(NOW);
    expect(state.revokedJtiCount).toBe(all.length + 1);
    for (const [jti] of all) expect(state.isJtiRevoked(jti, NOW)).toBe(true);
    expect(state.isJtiRevoked(fresh, NOW)).toBe(true);
  });

  it('loads a big set in steps that let the event loop run, and answers as the one-go load does', async () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => [randomUUID(), NOW + (i % 3 === 0 ? -1 : 60)] as [string, number]);
    const bytes = records(entries);
    const stepped = new RevocationState();
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 0);
    try {
      await stepped.load({ jtis: bytes, families: ['f'], cutoffs: [], devices: ['d'] }, () => NOW);
    } finally {
      clearInterval(ticking);
    }
    expect(ticks).toBeGreaterThan(0); // timers ran while it sorted
    const oneGo = new RevocationState();
    oneGo.replace({ jtis: bytes, families: [], cutoffs: [] }, NOW);
    for (const [jti, exp] of entries.slice(0, 2000)) {
      expect(stepped.isJtiRevoked(jti, NOW)).toBe(exp > NOW);
      expect(oneGo.isJtiRevoked(jti, NOW)).toBe(exp > NOW);
    }
    expect(stepped.isFamilyRevoked('f') && stepped.isDeviceRevoked('d')).toBe(true);
  });

  it('keeps revoked devices, loaded or added', () => {
    const state = new RevocationState();
    const [loaded, added] = [randomUUID(), randomUUID()];
    state.replace({ jtis: new Uint8Array(0), families: [], cutoffs: [], devices: [loaded] }, NOW);
    expect(state.isDeviceRevoked(loaded)).toBe(true);
    expect(state.isDeviceRevoked(added)).toBe(false);
    state.addDevice(added.toUpperCase(), NOW);
    expect(state.isDeviceRevoked(added)).toBe(true);
  });

  it('merges recent jtis into the sorted buffer past the merge threshold', () => {
    const state = new RevocationState();
    const jtis = Array.from({ length: 5000 }, () => randomUUID());
    for (const jti of jtis) state.addJti(jti, NOW + 10, NOW);
    expect(state.revokedJtiCount).toBe(5000);
    for (const jti of jtis) expect(state.isJtiRevoked(jti, NOW)).toBe(true);
  });

  it('keeps families and the later of user and client cutoffs, never lowering one', () => {
    const state = new RevocationState();
    state.replace({ jtis: new Uint8Array(0), families: ['f1'], cutoffs: [['user:u1', 1000]] }, NOW);
    expect(state.isFamilyRevoked('f1')).toBe(true);
    expect(state.isFamilyRevoked('f2')).toBe(false);
    state.addFamily('f2', NOW);
    expect(state.isFamilyRevoked('f2')).toBe(true);
    expect(state.cutoffMs('u1', 'c1')).toBe(1000);
    expect(state.cutoffMs(null, 'c1')).toBeNull();
    state.setCutoff('client', 'c1', 2000);
    state.setCutoff('user', 'u1', 500);
    expect(state.cutoffMs('u1', 'c1')).toBe(2000);
    expect(state.cutoffMs('u1', 'other')).toBe(1000);
  });
});

describe('RevocationStateSync', () => {
  it('is current only when loaded, not reloading and the bus is connected; applies events and reloads on resync', async () => {
    const bus = new FakeBus();
    let release!: () => void;
    let snapshot: RevocationSnapshot = { jtis: new Uint8Array(0), families: [], cutoffs: [] };
    let loads = 0;
    const sync = new RevocationStateSync(
      bus,
      async () => {
        loads++;
        await new Promise<void>((resolve) => (release = resolve));
        return snapshot;
      },
      () => NOW,
      () => undefined,
    );
    expect(sync.current).toBe(false); // not loaded
    const first = sync.reload();
    expect(sync.current).toBe(false);
    release();
    await first;
    expect(sync.current).toBe(true);

    const jti = randomUUID();
    await bus.publish(revocationEvent.jti(jti, NOW + 60));
    await bus.publish(revocationEvent.family('fam'));
    await bus.publish(revocationEvent.cutoff('client', 'c:with:colons', 1234));
    expect(sync.state.isJtiRevoked(jti, NOW)).toBe(true);
    expect(sync.state.isFamilyRevoked('fam')).toBe(true);
    expect(sync.state.cutoffMs(null, 'c:with:colons')).toBe(1234);

    bus.state = 'disconnected';
    expect(sync.current).toBe(false);
    bus.state = 'connected';
    // A resync reloads; an event arriving during the load survives the replacement.
    snapshot = { jtis: new Uint8Array(0), families: ['other'], cutoffs: [] };
    bus.fireResync();
    expect(sync.current).toBe(false);
    const late = randomUUID();
    await bus.publish(revocationEvent.jti(late, NOW + 60));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sync.current).toBe(true);
    expect(loads).toBe(2);
    expect(sync.state.isFamilyRevoked('other')).toBe(true);
    expect(sync.state.isFamilyRevoked('fam')).toBe(false); // the snapshot is the truth
    expect(sync.state.isJtiRevoked(late, NOW)).toBe(true);
  });

  it('stays not current when a load fails, until the upkeep reloads it', async () => {
    const bus = new FakeBus();
    let up = false;
    const sync = new RevocationStateSync(
      bus,
      () => (up ? Promise.resolve({ jtis: new Uint8Array(0), families: [], cutoffs: [] }) : Promise.reject(new Error('down'))),
      () => NOW,
      () => undefined,
    );
    await sync.reload();
    expect(sync.current).toBe(false);
    // The periodic upkeep retries the load.
    up = true;
    sync.prune();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sync.current).toBe(true);
  });

  it('applies a device event without a full reload', async () => {
    const bus = new FakeBus();
    const sync = new RevocationStateSync(
      bus,
      async () => ({ jtis: new Uint8Array(0), families: [], cutoffs: [] }),
      () => NOW,
      () => undefined,
    );
    await sync.reload();
    expect(sync.fullReloads).toBe(1);
    const device = randomUUID();
    await bus.publish(revocationEvent.device(device));
    expect(sync.state.isDeviceRevoked(device)).toBe(true);
    expect(sync.fullReloads).toBe(1);
    await bus.publish(revocationEvent.reload('anything else'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sync.fullReloads).toBe(2);
  });

  it("reads the change log from the snapshot's high-water mark on, applies what a lost notification carried, and tells of changed users", async () => {
    const bus = new FakeBus();
    const reads: string[] = [];
    let next: RevocationChanges = { keys: [], highWater: '10' };
    const changedUsers: string[] = [];
    bus.subscribe((event) => {
      if (event.topic === 'user') changedUsers.push(event.key);
    });
    const sync = new RevocationStateSync(
      bus,
      async () => ({ jtis: new Uint8Array(0), families: [], cutoffs: [], highWater: '7' }),
      () => NOW,
      () => undefined,
      {
        changes: async (since) => {
          reads.push(since);
          return next;
        },
      },
    );
    await sync.poll(); // not loaded yet: nothing to read from
    expect(reads).toEqual([]);
    await sync.reload();
    const [jti, family, device] = [randomUUID(), randomUUID(), randomUUID()];
    next = {
      keys: [revocationEvent.jti(jti, NOW + 60).key, `family:${family}`, `device:${device}`, 'cutoff:user:5000:u1', 'user:u2'],
      highWater: '12',
    };
    await sync.poll();
    expect(sync.state.isJtiRevoked(jti, NOW)).toBe(true);
    expect(sync.state.isFamilyRevoked(family)).toBe(true);
    expect(sync.state.isDeviceRevoked(device)).toBe(true);
    expect(sync.state.cutoffMs('u1', 'c')).toBe(5000);
    expect(changedUsers).toEqual(['u2']);
    next = { keys: next.keys, highWater: '12' }; // read again: idempotent
    await sync.poll();
    expect(reads).toEqual(['7', '12']);
    expect(sync.fullReloads).toBe(1);
    expect(sync.changeReads).toBe(2);
    expect(sync.current).toBe(true);
  });

  it('is not current while the change log cannot be read for long, and never reads it during a load', async () => {
    const bus = new FakeBus();
    let fail = false;
    let release: (() => void) | null = null;
    const sync = new RevocationStateSync(
      bus,
      async () => {
        if (release === null) return { jtis: new Uint8Array(0), families: [], cutoffs: [], highWater: '1' };
        await new Promise<void>((resolve) => (release = resolve));
        return { jtis: new Uint8Array(0), families: [], cutoffs: [], highWater: '5' };
      },
      () => NOW,
      () => undefined,
      {
        changes: async () => {
          if (fail) throw new Error('down');
          return { keys: [], highWater: '2' };
        },
      },
    );
    await sync.reload();
    fail = true;
    await sync.poll();
    expect(sync.current).toBe(true); // one failed read: still within the staleness bound
    const realNow = performance.now.bind(performance);
    const spy = jest.spyOn(performance, 'now').mockImplementation(() => realNow() + 31_000);
    try {
      expect(sync.current).toBe(false);
    } finally {
      spy.mockRestore();
    }
    fail = false;
    release = () => undefined;
    const reloading = sync.reload();
    await sync.poll(); // skipped: a load is running
    release!();
    await reloading;
    expect(sync.changeReads).toBe(0);
    await sync.poll();
    expect(sync.changeReads).toBe(1);
  });
});
