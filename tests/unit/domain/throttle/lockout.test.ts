import { lockedUntil } from '../../../../src/domain/throttle/lockout';

describe('lockedUntil (progressive lockout)', () => {
  const rule = { threshold: 5, windowSeconds: 900, baseLockSeconds: 60, maxLockSeconds: 900 };
  const at = new Date('2026-12-01T00:00:00Z');
  const lockSeconds = (failures: number) => {
    const until = lockedUntil(rule, failures, at);
    return until === null ? null : (until.getTime() - at.getTime()) / 1000;
  };

  it('does not lock below the threshold', () => {
    expect(lockSeconds(0)).toBeNull();
    expect(lockSeconds(4)).toBeNull();
  });

  it('locks at the threshold and doubles with each further failure, capped', () => {
    expect([5, 6, 7, 8, 9, 10, 200].map(lockSeconds)).toEqual([60, 120, 240, 480, 900, 900, 900]);
  });
});
