import { randomUUID } from 'node:crypto';
import type { ChangeEvent } from '../../../../src/domain/changes/change-bus';
import { VERIFIED_DEVICE_TOKEN_TTL_MS, VerifiedDeviceTokens } from '../../../../src/domain/device-token-sets/verified-device-tokens';
import { RevocationState } from '../../../../src/domain/revocation/state/revocation-state';
import { revocationEvent } from '../../../../src/domain/revocation/state/revocation-state-sync';
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

  /** A record that verified against the database (the `inspect` of a cold refresh), loaded through the cache. */
  const loaded = (hash: string, r: RefreshTokenRecord | null) => tokens.load(hash, async () => r);
  const remembered = async (r = record(), hash = 'h') => {
    expect(await loaded(hash, r)).toBe(r);
    expect(tokens.get(hash)).toBe(r);
    return r;
  };

  it('serves a remembered device token until its time to live ends', async () => {
    await remembered();
    now += VERIFIED_DEVICE_TOKEN_TTL_MS;
    expect(tokens.get('h')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('neither serves nor stores while the revocation state is not current', async () => {
    await remembered();
    sync.current = false;
    expect(tokens.get('h')).toBeUndefined();
    const other = record();
    expect(await loaded('other', other)).toBe(other); // answered from the database, not remembered
    sync.current = true;
    expect(tokens.get('other')).toBeUndefined();
    expect(tokens.get('h')).toBeDefined();
  });

  it('never stores a token that is not bound to a device, nor an unusable one', async () => {
    await loaded('h', record({ deviceId: null }));
    await loaded('gone', null);
    expect(tokens.get('h')).toBeUndefined();
    expect(tokens.get('gone')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('shares one database read between concurrent presentations of a token', async () => {
    const r = record();
    let reads = 0;
    const inspect = async () => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return r;
    };
    expect(await Promise.all([tokens.load('h', inspect), tokens.load('h', inspect)])).toEqual([r, r]);
    expect(reads).toBe(1);
  });

  it('stops serving once the revocation state has the family revoked or a later user or client cutoff', async () => {
    const family = await remembered();
    sync.state.addFamily(family.familyId.toUpperCase(), Math.floor(Date.now() / 1000));
    expect(tokens.get('h')).toBeUndefined();

    const user = await remembered(record());
    sync.state.setCutoff('user', user.userId!, CREATED + 1);
    expect(tokens.get('h')).toBeUndefined();

    const client = await remembered(record({ clientId: 'other-app' }));
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
    for (const [i, [event, drops]] of events.entries()) {
      await remembered(record(), `h${i}`);
      await bus.publish(event);
      expect(tokens.get(`h${i}`) === undefined).toBe(drops);
    }
    const r = await remembered();
    await bus.publish({ topic: 'user', kind: 'updated', key: r.userId! });
    expect(tokens.get('h')).toBeUndefined();
    await remembered(r);
    await bus.publish({ topic: 'client', kind: 'updated', key: r.clientId });
    expect(tokens.get('h')).toBeUndefined();
    await remembered(r);
    await bus.publish(revocationEvent.family(r.familyId));
    expect(tokens.get('h')).toBeUndefined();
    await remembered(r);
    await bus.publish(revocationEvent.device(r.deviceId!.toUpperCase()));
    expect(tokens.get('h')).toBeUndefined();
    await remembered(r);
    bus.fireResync();
    expect(tokens.get('h')).toBeUndefined();
  });

  it('does not store a load that a change overtook', async () => {
    const r = record();
    let finish: (value: RefreshTokenRecord) => void = () => {};
    const pending = tokens.load('h', () => new Promise<RefreshTokenRecord>((resolve) => (finish = resolve)));
    await bus.publish({ topic: 'user', kind: 'updated', key: r.userId! }); // e.g. the user was disabled meanwhile
    finish(r);
    expect(await pending).toBe(r); // its caller still gets what it read
    expect(tokens.get('h')).toBeUndefined();
  });
});
