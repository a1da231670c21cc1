/** When failures lock a key: `threshold` failures within `windowSeconds`, then a lock that doubles per further failure. */
export interface LockoutRule {
  readonly threshold: number;
  readonly windowSeconds: number;
  readonly baseLockSeconds: number;
  readonly maxLockSeconds: number;
}

/**
 * Progressive lockout (OWASP Authentication Cheat Sheet, "account lockout";
 * NIST SP 800-63B §5.2.2 rate limiting): with `failures` live in the window
 * and the newest at `latestFailure`, the key is locked until
 * `latestFailure + min(base × 2^(failures − threshold), max)`, or not at all
 * below the threshold. Never permanent: the lock always ends at most
 * `maxLockSeconds` after the latest failure.
 */
export function lockedUntil(rule: LockoutRule, failures: number, latestFailure: Date): Date | null {
  if (failures < rule.threshold) return null;
  const doublings = Math.min(failures - rule.threshold, 30);
  const seconds = Math.min(rule.baseLockSeconds * 2 ** doublings, rule.maxLockSeconds);
  return new Date(latestFailure.getTime() + seconds * 1000);
}
