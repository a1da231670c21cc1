import { randomUUID } from 'node:crypto';
import type { ChangeEvent } from '../../../../src/domain/changes/change-bus';
import type { Clock } from '../../../../src/domain/clock';
import { VerifiedDeviceTokens } from '../../../../src/domain/device-token-sets/verified-device-tokens';
import { RevocationService } from '../../../../src/domain/revocation/revocation.service';
import type { RevocationStore } from '../../../../src/domain/revocation/revocation-store';
import type { IssuanceCounter } from '../../../../src/domain/revocation/state/issuance-counter';
import { RevocationStateSync } from '../../../../src/domain/revocation/state/revocation-state-sync';
import type { RefreshTokenRecord } from '../../../../src/domain/tokens/refresh-token-record';
import { FakeBus } from '../../../support/fake-change-bus';

/** Counts what reaches this process's listeners. */
class CountingBus extends FakeBus {
  readonly replayed: ChangeEvent[] = [];
  readonly published: ChangeEvent[] = [];
  override replay(event: ChangeEvent) {
    this.replayed.push(event);
    super.replay(event);
  }
  override async publish(event: ChangeEvent) {
    this.published.push(event);
    await super.publish(event);
  }
}

const record = (familyId: string): RefreshTokenRecord => ({
  id: randomUUID(),
  familyId,
  tenantId: randomUUID(),
  clientId: 'app',
  userId: randomUUID(),
  deviceId: randomUUID(),
  scopes: ['openid'],
  authTime: null,
  expiresAt: null,
  rotatedAt: null,
  createdAt: new Date(),
  familyRevokedAt: null,
  userEnabled: true,
  user: null,
  scopeCutoffAt: null,
});

/**
 * Issue 23 (performance): ending a user's 100 sessions × 10 clients revokes 1,000 refresh families
 * in one statement; this process must apply all of them before the request answers, without one
 * bus event per family (1,000 × every listener was a fifth of the request).
 */
describe('families revoked by a set-based write (ending many browser sessions)', () => {
  const clock: Clock = { now: () => new Date() };

  it('reach this process as one event; the revocation state holds every family and the device-token cache drops theirs only', async () => {
    const bus = new CountingBus();
    const sync = new RevocationStateSync(
      bus,
      async () => ({ jtis: new Uint8Array(0), families: [], cutoffs: [] }),
      () => Math.floor(Date.now() / 1000),
      () => undefined,
    );
    await sync.reload();
    const deviceTokens = new VerifiedDeviceTokens(bus, { current: true, state: sync.state });
    const families = Array.from({ length: 1000 }, () => randomUUID());
    const kept = record(randomUUID());
    await deviceTokens.load('ended', async () => record(families[500]!));
    await deviceTokens.load('kept', async () => kept);
    const revocation = new RevocationService({ bus, clock }, {} as RevocationStore, {} as IssuanceCounter, { revoke: async () => false });

    await revocation.familiesRevoked(families);

    expect(bus.replayed).toHaveLength(1);
    expect(bus.published).toHaveLength(0);
    expect(families.every((id) => sync.state.isFamilyRevoked(id))).toBe(true);
    expect(sync.state.isFamilyRevoked(kept.familyId)).toBe(false);
    expect(sync.current).toBe(true);
    expect(sync.fullReloads).toBe(1); // no full reload was asked for
    expect(deviceTokens.get('ended')).toBeUndefined();
    expect(deviceTokens.get('kept')).toBe(kept);
  });

  it('a few are still published one by one (other processes are notified at once)', async () => {
    const bus = new CountingBus();
    const revocation = new RevocationService({ bus, clock }, {} as RevocationStore, {} as IssuanceCounter, { revoke: async () => false });
    await revocation.familiesRevoked([randomUUID(), randomUUID()]);
    expect(bus.published.map((e) => e.key.split(':')[0])).toEqual(['family', 'family']);
    expect(bus.replayed).toHaveLength(0);
  });
});
