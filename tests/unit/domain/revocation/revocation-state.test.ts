import { randomUUID } from 'node:crypto';
import { JTI_RECORD_BYTES, revocationEvent, RevocationState, RevocationStateSync, uuidBytes, type RevocationSnapshot } from '../../../../src/domain/revocation/revocation-state';
import { FakeBus } from '../../../support/fake-change-bus';

const NOW = 1_800_000_000;

/** Sorted 20-byte records, as the loader returns them. */
function records(entries: [string, number][]): Uint8Array {
  const sorted = entries.map(([jti, exp]) => [uuidBytes(jti)!, exp] as const).sort((a, b) => Buffer.compare(a[0], b[0]));
  const out = Buffer.alloc(sorted.length * JTI_RECORD_BYTES);
  sorted.forEach(([bytes, exp], i) => {
    out.set(bytes, i * JTI_RECORD_BYTES);
    out.writeUInt32BE(exp, i * JTI_RECORD_BYTES + 16);
  });
  return out;
}

describe('RevocationState', () => {
  it('finds loaded and added jtis until they expire, and prunes expired ones', () => {
    const loaded = Array.from({ length: 1000 }, (_, i) => [randomUUID(), NOW + (i % 2 === 0 ? 60 : -1)] as [string, number]);
    const state = new RevocationState();
    state.replace({ jtis: records(loaded), families: [], cutoffs: [] });
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

  it('merges recent jtis into the sorted buffer past the merge threshold', () => {
    const state = new RevocationState();
    const jtis = Array.from({ length: 5000 }, () => randomUUID());
    for (const jti of jtis) state.addJti(jti, NOW + 10, NOW);
    expect(state.revokedJtiCount).toBe(5000);
    for (const jti of jtis) expect(state.isJtiRevoked(jti, NOW)).toBe(true);
  });

  it('keeps families and the later of user and client cutoffs, never lowering one', () => {
    const state = new RevocationState();
    state.replace({ jtis: new Uint8Array(0), families: ['f1'], cutoffs: [['user:u1', 1000]] });
    expect(state.isFamilyRevoked('f1')).toBe(true);
    expect(state.isFamilyRevoked('f2')).toBe(false);
    state.addFamily('f2');
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
    const sync = new RevocationStateSync(bus, () => (up ? Promise.resolve({ jtis: new Uint8Array(0), families: [], cutoffs: [] }) : Promise.reject(new Error('down'))), () => NOW, () => undefined);
    await sync.reload();
    expect(sync.current).toBe(false);
    // The periodic upkeep retries the load.
    up = true;
    sync.prune();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sync.current).toBe(true);
  });
});
