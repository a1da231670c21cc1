import { needsRefresh, refreshDelay, tokenSetFrom } from '../../../console/src/token-schedule';

describe('console token refresh scheduling', () => {
  const now = 1_000_000;

  it('refreshes at 80% of a long lifetime, and a minute before expiry for shorter ones', () => {
    expect(refreshDelay({ accessToken: 'a', refreshToken: 'r', expiresAt: now + 3600_000 }, now)).toBe(2880_000);
    expect(refreshDelay({ accessToken: 'a', refreshToken: 'r', expiresAt: now + 120_000 }, now)).toBe(60_000);
  });

  it('never schedules below a second for a live token, and at once for an expired one', () => {
    expect(refreshDelay({ accessToken: 'a', refreshToken: 'r', expiresAt: now + 30_000 }, now)).toBe(15_000);
    expect(refreshDelay({ accessToken: 'a', refreshToken: 'r', expiresAt: now + 500 }, now)).toBe(1_000);
    expect(refreshDelay({ accessToken: 'a', refreshToken: 'r', expiresAt: now - 1 }, now)).toBe(0);
  });

  it('keeps the previous refresh token when the answer has none, and defaults a missing lifetime', () => {
    expect(tokenSetFrom({ access_token: 'a2', expires_in: 60 }, now, 'r1')).toEqual({
      accessToken: 'a2',
      refreshToken: 'r1',
      expiresAt: now + 60_000,
    });
    expect(tokenSetFrom({ access_token: 'a3', refresh_token: 'r2' }, now, 'r1')).toEqual({
      accessToken: 'a3',
      refreshToken: 'r2',
      expiresAt: now + 300_000,
    });
  });

  it('refreshes before a request within 5 s of expiry', () => {
    expect(needsRefresh({ accessToken: 'a', refreshToken: null, expiresAt: now + 4_000 }, now)).toBe(true);
    expect(needsRefresh({ accessToken: 'a', refreshToken: null, expiresAt: now + 6_000 }, now)).toBe(false);
  });
});
