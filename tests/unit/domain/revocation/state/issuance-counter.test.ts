import type { AccessTokenClaims } from '../../../../../src/domain/tokens/access-token-claims';
import { IssuanceCounter } from '../../../../../src/domain/revocation/state/issuance-counter';
import type { IssuanceBucket, RevocationStore } from '../../../../../src/domain/revocation/revocation-store';

const claims = (overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims => ({
  iss: 'https://idp.test',
  sub: 'svc',
  aud: 'https://idp.test',
  client_id: 'svc',
  scope: '',
  jti: 'j',
  iat: 1000,
  exp: 4600,
  tenant: '/',
  ...overrides,
});

/** A store that records what each flush adds, and can be made to fail. */
function recordingStore() {
  const flushes: IssuanceBucket[][] = [];
  let failNext = false;
  const store = {
    addIssuance: async (buckets: readonly IssuanceBucket[]) => {
      if (failNext) {
        failNext = false;
        throw new Error('database down');
      }
      flushes.push([...buckets]);
    },
  } as unknown as RevocationStore;
  return { store, flushes, failOnce: () => (failNext = true) };
}

describe('IssuanceCounter', () => {
  it('adds up tokens with the same tenant, client, user, family, iat and exp into one bucket', async () => {
    const { store, flushes } = recordingStore();
    const counter = new IssuanceCounter(store);
    counter.record(claims(), 't1');
    counter.record(claims({ jti: 'k' }), 't1');
    counter.record(claims({ iat: 1001, exp: 4601 }), 't1');
    counter.record(claims({ sub: 'user-1', sid: 'fam-1' }), 't1');
    await counter.flush();
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toEqual(
      expect.arrayContaining([
        { tenantId: 't1', clientId: 'svc', userId: null, familyId: null, issuedAt: 1000, expiresAt: 4600, count: 2 },
        { tenantId: 't1', clientId: 'svc', userId: null, familyId: null, issuedAt: 1001, expiresAt: 4601, count: 1 },
        { tenantId: 't1', clientId: 'svc', userId: 'user-1', familyId: 'fam-1', issuedAt: 1000, expiresAt: 4600, count: 1 },
      ]),
    );
    expect(flushes[0]).toHaveLength(3);
  });

  it('writes nothing when nothing was issued, and each token once', async () => {
    const { store, flushes } = recordingStore();
    const counter = new IssuanceCounter(store);
    await counter.flush();
    counter.record(claims(), 't1');
    await counter.flush();
    await counter.flush();
    expect(flushes.map((f) => f.length)).toEqual([1]);
  });

  it('keeps the counts of a failed flush for the next one', async () => {
    const { store, flushes, failOnce } = recordingStore();
    const counter = new IssuanceCounter(store);
    counter.record(claims(), 't1');
    failOnce();
    await expect(counter.flush()).rejects.toThrow('database down');
    counter.record(claims(), 't1');
    await counter.stop();
    expect(flushes).toEqual([[expect.objectContaining({ count: 2 })]]);
  });
});
