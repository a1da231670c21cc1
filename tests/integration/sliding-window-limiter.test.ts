import { isDomainError } from '../../src/domain/errors';
import { testClock } from '../fixtures/token-clients';
import { startTestServer, type TestServer } from '../support/test-server';

describe('SlidingWindowLimiter (PostgreSQL-backed)', () => {
  const clock = testClock();
  let t: TestServer;
  const rule = { limit: 3, windowSeconds: 60 };

  const outcome = async (bucket: string): Promise<'admitted' | number> => {
    try {
      await t.server.app.domain.limiter.hit(bucket, rule);
      return 'admitted';
    } catch (error) {
      if (isDomainError(error) && error.code === 'too_many_requests') return error.retryAfterSeconds!;
      throw error;
    }
  };

  beforeAll(async () => {
    t = await startTestServer({ clock });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => clock.reset());

  it('admits `limit` hits per window and then answers with the seconds until the oldest hit leaves it', async () => {
    expect(await outcome('a')).toBe('admitted');
    clock.advance(20);
    expect(await outcome('a')).toBe('admitted');
    expect(await outcome('a')).toBe('admitted');
    expect(await outcome('a')).toBe(40);
    expect(await outcome('other-bucket')).toBe('admitted');
    clock.advance(41);
    // The first hit has left the window: one more is admitted, then the window is full again.
    expect(await outcome('a')).toBe('admitted');
    expect(await outcome('a')).toBe(19);
  });

  it('never admits more than the limit under concurrent hits (one advisory lock per bucket)', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => outcome('concurrent')));
    expect(results.filter((r) => r === 'admitted')).toHaveLength(3);
  });

  it('purgeExpired deletes hits past their window', async () => {
    await outcome('purged');
    const { orm } = t.server;
    clock.advance(3600);
    expect((await t.server.app.domain.maintenance.purgeExpired()).rateLimitHits).toBeGreaterThan(0);
    const [{ count }] = await orm.em.fork().getConnection().execute<{ count: string }[]>('select count(*) from rate_limit_hits');
    expect(Number(count)).toBe(0);
  });
});
