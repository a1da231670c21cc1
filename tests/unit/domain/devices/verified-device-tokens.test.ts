import { randomUUID } from 'node:crypto';
import type { ChangeEvent } from '../../../../src/domain/cache/change-bus';
import { VERIFIED_DEVICE_TOKEN_TTL_MS, VerifiedDeviceTokens } from '../../../../src/domain/devices/verified-device-tokens';
import { revocationEvent, RevocationState } from '../../../../src/domain/revocation/revocation-state';
import type { RefreshTokenRecord } from '../../../../src/domain/tokens/refresh-token-record';
import { FakeBus } from '../../../support/fake-change-bus';

const CREATED = 1_800_000_000_000;

function record(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    id: randomUUID(),
    familyId: randomUUID(),
    tenantId: randomUUID(),
    clientId: 'app',
    userId: randomUUID(),
    deviceId: randomUUID(),
    scopes: ['openid'],
    authTime: null,
    expiresAt: null,
    rotatedAt: null,
    createdAt: new Date(CREATED),
    familyRevokedAt: null,
    userEnabled: true,
    user: null,
    scopeCutoffAt: null,
    ...overrides,
  };
}

describe('VerifiedDeviceTokens', () => {
  let bus: FakeBus;
  let sync: { current: boolean; state: RevocationState };
  let now: number;
  let tokens: VerifiedDeviceTokens;

  beforeEach(() => {
    bus = new FakeBus();
    sync = { current: true, state: new RevocationState() };
    now = CREATED + 1000;
    tokens = new VerifiedDeviceTokens(bus, sync, () => now);
  });

  const remembered = (r = record()) => {
    tokens.remember('h', r, tokens.ticket());
    expect(tokens.get('h')).toBe(r);
    return r;
  };

  it('serves a remembered device token until its time to live ends', () => {
    remembered();
    now += VERIFIED_DEVICE_TOKEN_TTL_MS;
    expect(tokens.get('h')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('neither serves nor stores while the revocation state is not current', () => {
    remembered();
    sync.current = false;
    expect(tokens.get('h')).toBeUndefined();
    tokens.remember('other', record(), tokens.ticket());
    sync.current = true;
    expect(tokens.get('other')).toBeUndefined();
    expect(tokens.get('h')).toBeDefined();
  });

  it('never stores a token that is not bound to a device', () => {
    tokens.remember('h', record({ deviceId: null }), tokens.ticket());
    expect(tokens.get('h')).toBeUndefined();
  });

  it('stops serving once the revocation state has the family revoked or a later user or client cutoff', () => {
    const family = remembered();
    sync.state.addFamily(family.familyId.toUpperCase(), Math.floor(Date.now() / 1000));
    expect(tokens.get('h')).toBeUndefined();

    const user = remembered(record());
    sync.state.setCutoff('user', user.userId!, CREATED + 1);
    expect(tokens.get('h')).toBeUndefined();

    const client = remembered(record({ clientId: 'other-app' }));
    sync.state.setCutoff('client', 'other-app', CREATED); // not after the token was created: still usable
    expect(tokens.get('h')).toBe(client);
    sync.state.setCutoff('client', 'other-app', CREATED + 1);
    expect(tokens.get('h')).toBeUndefined();
  });

  it('drops the entries a change concerns: its user, its client, its family, any tenant, a reload, a resync', async () => {
    const events: [ChangeEvent, boolean][] = [
      [{ topic: 'revocation', kind: 'revoked', key: `jti:${randomUUID()}:1` }, false],
      [{ topic: 'user', kind: 'updated', key: randomUUID() }, false],
      [{ topic: 'client', kind: 'updated', key: 'someone-else' }, false],
      [{ topic: 'signing_key', kind: 'rotated', key: 'k' }, false],
      [{ topic: 'tenant', kind: 'updated', key: randomUUID() }, true],
      [revocationEvent.reload('device-x'), true],
    ];
    for (const [event, drops] of events) {
      remembered();
      await bus.publish(event);
      expect(tokens.get('h') === undefined).toBe(drops);
    }
    const r = remembered();
    await bus.publish({ topic: 'user', kind: 'updated', key: r.userId! });
    expect(tokens.get('h')).toBeUndefined();
    remembered(r);
    await bus.publish({ topic: 'client', kind: 'updated', key: r.clientId });
    expect(tokens.get('h')).toBeUndefined();
    remembered(r);
    await bus.publish(revocationEvent.family(r.familyId));
    expect(tokens.get('h')).toBeUndefined();
    remembered(r);
    bus.fireResync();
    expect(tokens.get('h')).toBeUndefined();
  });

  it('does not store a load that a change overtook', async () => {
    const r = record();
    const ticket = tokens.ticket();
    await bus.publish({ topic: 'user', kind: 'updated', key: r.userId! }); // e.g. the user was disabled meanwhile
    tokens.remember('h', r, ticket);
    expect(tokens.get('h')).toBeUndefined();
  });
});
