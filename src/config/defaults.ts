/** Server-wide defaults; per-tenant and per-client policy lives in the database. */
export const defaults = {
  accessTokenLifetimeSeconds: 3600,
  refreshTokenLifetimeSeconds: 30 * 24 * 3600,
  idTokenLifetimeSeconds: 3600,
  deviceIdTokenLifetimeSeconds: 86400,
  authorizationCodeLifetimeSeconds: 60,
  /** OWASP minimum for argon2id: m=19456 KiB, t=2, p=1. */
  argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
  signingAlgorithm: 'RS256' as const,
  /** How long a cached client, tenant or key may be served without a change notification. */
  cacheTtlMs: 60_000,
  pageSize: { default: 20, max: 100 },
  /** Self sign-up (seed 001 `/register_user` without a bearer): attempts per client IP and tenant. */
  selfSignupRateLimit: { limit: 5, windowSeconds: 15 * 60 },
  /**
   * Failed credential checks (src/domain/throttle/brute-force-guard.ts): after `threshold` failures within
   * `windowSeconds`, the key is locked for `baseLockSeconds` after its latest failure, doubling with each
   * further failure, at most `maxLockSeconds`. Per account (tenant + username), per client (its secret) and
   * per client IP (looser, so one NAT does not lock everyone out).
   */
  bruteForce: {
    account: { threshold: 5, windowSeconds: 15 * 60, baseLockSeconds: 60, maxLockSeconds: 15 * 60 },
    client: { threshold: 10, windowSeconds: 15 * 60, baseLockSeconds: 60, maxLockSeconds: 15 * 60 },
    ip: { threshold: 50, windowSeconds: 15 * 60, baseLockSeconds: 60, maxLockSeconds: 15 * 60 },
  },
} as const;
