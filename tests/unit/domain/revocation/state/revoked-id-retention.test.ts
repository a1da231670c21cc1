import { randomUUID } from 'node:crypto';
import type { ChangeEvent } from '../../../../../src/domain/changes/change-bus';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../../../../../src/domain/clients/validate-client-settings';
import { DEVICE_TOKEN_LIFETIME_SECONDS } from '../../../../../src/domain/device-token-sets/device-token-set';
import { VERIFIED_DEVICE_TOKEN_TTL_MS } from '../../../../../src/domain/device-token-sets/verified-device-tokens';
import { RevocationState, type RevocationSnapshot } from '../../../../../src/domain/revocation/state/revocation-state';
import { RevocationStateSync, type RevocationChanges } from '../../../../../src/domain/revocation/state/revocation-state-sync';
import {
  DEVICE_RETENTION_SECONDS,
  familyRetentionSeconds,
  REVOKED_ENTRY_MARGIN_SECONDS,
} from '../../../../../src/domain/revocation/state/revoked-id-set';
import { FakeBus } from '../../../../support/fake-change-bus';

const NOW = 1_800_000_000;
const empty = (extra: Partial<RevocationSnapshot> = {}): RevocationSnapshot => ({
  jtis: new Uint8Array(0),
  families: [],
  cutoffs: [],
  ...extra,
});

describe('revoked families and devices are kept only while a token they revoke can be unexpired', () => {
  it('the rule: the longest access-token lifetime (at least the 24 h of device tokens) plus a margin above the remembered device token TTL', () => {
    expect(familyRetentionSeconds(3600)).toBe(DEVICE_TOKEN_LIFETIME_SECONDS + REVOKED_ENTRY_MARGIN_SECONDS);
    expect(familyRetentionSeconds(7 * 86_400)).toBe(7 * 86_400 + REVOKED_ENTRY_MARGIN_SECONDS);
    expect(DEVICE_RETENTION_SECONDS).toBe(DEVICE_TOKEN_LIFETIME_SECONDS + REVOKED_ENTRY_MARGIN_SECONDS);
    // A remembered device refresh token never outlives the entry that would stop it.
    expect(VERIFIED_DEVICE_TOKEN_TTL_MS / 1000).toBeLessThan(REVOKED_ENTRY_MARGIN_SECONDS);
  });

  it('drops a loaded family or device right after the second it is needed until, not before', () => {
    const state = new RevocationState();
    const [family, device, lasting] = [randomUUID(), randomUUID(), randomUUID()];
    state.replace(
      empty({
        families: [
          [family, NOW + 100],
          [lasting, NOW + 10_000],
        ],
        devices: [[device.toUpperCase(), NOW + 50]],
      }),
      NOW,
    );
    state.prune(NOW + 50);
    expect([state.isFamilyRevoked(family), state.isDeviceRevoked(device), state.isFamilyRevoked(lasting)]).toEqual([true, true, true]);
    state.prune(NOW + 51);
    expect([state.isFamilyRevoked(family), state.isDeviceRevoked(device)]).toEqual([true, false]);
    state.prune(NOW + 101);
    expect([state.isFamilyRevoked(family), state.isFamilyRevoked(lasting)]).toEqual([false, true]);
    expect([state.revokedFamilyCount, state.revokedDeviceCount]).toEqual([1, 0]);
  });

  it('keeps a family added by an event for the retention current at each prune (raised by a change-log read), a device for 24 h plus the margin', () => {
    const state = new RevocationState();
    state.replace(empty({ familyRetentionSeconds: 1000 }), NOW);
    const [family, device] = [randomUUID(), randomUUID()];
    state.addFamily(family, NOW);
    state.addDevice(device, NOW);
    state.prune(NOW + 1000);
    expect(state.isFamilyRevoked(family)).toBe(true);
    state.raiseFamilyRetention(2000); // a client's lifetime was raised: tokens of this family may live longer
    state.raiseFamilyRetention(500); // never lowered between loads
    state.prune(NOW + 2000);
    expect(state.isFamilyRevoked(family)).toBe(true);
    state.prune(NOW + 2001);
    expect(state.isFamilyRevoked(family)).toBe(false);
    state.prune(NOW + DEVICE_RETENTION_SECONDS);
    expect(state.isDeviceRevoked(device)).toBe(true);
    state.prune(NOW + DEVICE_RETENTION_SECONDS + 1);
    expect(state.isDeviceRevoked(device)).toBe(false);
  });

  it('without a retention from the loader, keeps event families for the longest lifetime a client may be given', () => {
    const state = new RevocationState();
    state.replace(empty({ families: ['bare'] }), NOW);
    state.prune(NOW + MAX_TOKEN_LIFETIME_SECONDS);
    expect(state.isFamilyRevoked('bare')).toBe(true);
    state.prune(NOW + familyRetentionSeconds(MAX_TOKEN_LIFETIME_SECONDS) + 1);
    expect(state.isFamilyRevoked('bare')).toBe(false);
  });

  it('the sync prunes on its clock, takes the retention from each change-log read, and replays tenant and client keys on the bus', async () => {
    const bus = new FakeBus();
    const seen: ChangeEvent[] = [];
    bus.subscribe((event) => {
      if (event.topic !== 'revocation') seen.push(event);
    });
    let now = NOW;
    let next: RevocationChanges = { keys: [], highWater: '2', familyRetentionSeconds: 300 };
    const sync = new RevocationStateSync(
      bus,
      async () => empty({ highWater: '1', familyRetentionSeconds: 100 }),
      () => now,
      () => undefined,
      {
        changes: async () => next,
      },
    );
    await sync.reload();
    const family = randomUUID();
    next = {
      keys: [`family:${family}`, 'tenant:t1', 'tenant:t2:deleted', 'client:app:with:colons'],
      highWater: '3',
      familyRetentionSeconds: 300,
    };
    await sync.poll();
    expect(seen).toEqual([
      { topic: 'tenant', kind: 'updated', key: 't1' },
      { topic: 'tenant', kind: 'deleted', key: 't2' },
      { topic: 'client', kind: 'updated', key: 'app:with:colons' },
    ]);
    expect(sync.fullReloads).toBe(1); // known keys: no reload
    now = NOW + 300;
    sync.prune();
    expect(sync.state.isFamilyRevoked(family)).toBe(true);
    now = NOW + 301;
    sync.prune();
    expect(sync.state.isFamilyRevoked(family)).toBe(false);
  });

  it('a full load replays the tenant, client and user keys logged since the last read, which no snapshot holds', async () => {
    const bus = new FakeBus();
    const seen: ChangeEvent[] = [];
    bus.subscribe((event) => seen.push(event));
    const reads: string[] = [];
    let keys: string[] = [];
    const sync = new RevocationStateSync(
      bus,
      async () => empty({ highWater: String(reads.length + 1) }),
      () => NOW,
      () => undefined,
      {
        changes: async (since) => {
          reads.push(since);
          return { keys, highWater: 'x' };
        },
      },
    );
    await sync.reload();
    expect(reads).toEqual([]); // the first load has nothing to catch up on
    keys = ['client:c1', 'family:f1', 'user:u1'];
    await sync.reload();
    expect(reads).toEqual(['1']);
    expect(seen).toEqual([
      { topic: 'client', kind: 'updated', key: 'c1' },
      { topic: 'user', kind: 'updated', key: 'u1' },
    ]);
  });
});
