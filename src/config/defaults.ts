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
  /** `Cache-Control: public, max-age` of `/.well-known/jwks.json`: how long a verifier or HTTP cache may keep it (seconds). */
  jwksMaxAgeSeconds: 300,
  /**
   * How long a new signing key (rotation, algorithm change) is in the JWKS before it signs (seconds):
   * the JWKS's max-age plus `cacheTtlMs`, the longest another process may serve a JWKS that missed
   * the rotation, so a verifier holding any JWKS fetched since the rotation knows the key. A tenant's
   * first key, made with the tenant, signs at once. Must be at least `jwksMaxAgeSeconds`.
   */
  keyPublicationSeconds: 360,
  pageSize: { default: 20, max: 100 },
  /** Self sign-up (seed 001 `/register_user` without a bearer): attempts per client IP and tenant. */
  selfSignupRateLimit: { limit: 5, windowSeconds: 15 * 60 },
  /**
   * Failed credential checks (src/domain/throttle/brute-force-guard.ts; policy in docs/security.md
   * "Brute-force protection"). A lock lasts `baseLockSeconds` after the latest failure once `threshold`
   * failures are live in `windowSeconds`, doubling with each further failure, at most `maxLockSeconds`.
   * - `accountSource` / `clientSource`: one credential (tenant + username, or client_id) from one source
   *   (client IP): the lock an attacker earns for their own guesses. Only this pair is refused.
   * - `account` / `client`: one credential from every source, the slower brake: it refuses only sources
   *   that have not authenticated with that credential in the last `knownSourceDays` days.
   * - `ip`: one source, every credential. It never refuses by itself: while the source has `threshold`
   *   failures live in `windowSeconds` ("hot"), its pairs lock at `hotSourcePairThreshold` failures.
   */
  bruteForce: {
    accountSource: { threshold: 5, windowSeconds: 15 * 60, baseLockSeconds: 60, maxLockSeconds: 15 * 60 },
    clientSource: { threshold: 10, windowSeconds: 15 * 60, baseLockSeconds: 60, maxLockSeconds: 15 * 60 },
    account: { threshold: 20, windowSeconds: 60 * 60, baseLockSeconds: 60, maxLockSeconds: 15 * 60 },
    client: { threshold: 100, windowSeconds: 60 * 60, baseLockSeconds: 60, maxLockSeconds: 15 * 60 },
    ip: { threshold: 50, windowSeconds: 15 * 60 },
    hotSourcePairThreshold: 1,
    knownSourceDays: 30,
  },
} as const;
