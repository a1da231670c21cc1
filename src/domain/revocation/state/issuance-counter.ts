import type { AccessTokenClaims } from '../../tokens/access-token-claims';
import type { IssuanceBucket, RevocationStore } from '../revocation-store';

/** How often counted issuance is written to the database. */
const ISSUANCE_FLUSH_INTERVAL_MS = 5_000;

/** The counter an access token is counted in (`count` 1 when issued, -1 when revoked on its own). */
export function issuanceBucket(
  claims: Pick<AccessTokenClaims, 'client_id' | 'sub' | 'sid' | 'iat' | 'exp'>,
  tenantId: string,
  count: number,
): IssuanceBucket {
  const userId = claims.sub === claims.client_id ? null : claims.sub;
  return { tenantId, clientId: claims.client_id, userId, familyId: claims.sid ?? null, issuedAt: claims.iat, expiresAt: claims.exp, count };
}

/**
 * Counts issued access tokens in memory, per (tenant, client, user, refresh
 * family, `iat` second, `exp` second), and adds the counts to the database in
 * one statement per flush: every {@link ISSUANCE_FLUSH_INTERVAL_MS}, before
 * every counted revocation in this process, and on shutdown. So issuing a
 * client_credentials token never writes, and revocation counts are exact to
 * the second for everything flushed (other processes' last few seconds are
 * counted only once they flush; the revocation itself is enforced regardless).
 */
export class IssuanceCounter {
  private pending = new Map<string, IssuanceBucket>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly store: RevocationStore) {}

  /** Records one issued access token. */
  record(claims: AccessTokenClaims, tenantId: string): void {
    this.add(issuanceBucket(claims, tenantId, 1));
  }

  /** Writes what was counted since the last flush; flushes run one at a time. */
  flush(): Promise<void> {
    // Chained after the previous flush whatever its outcome; a failure is reported to its own caller only.
    this.flushing = this.flushing
      .catch(() => {})
      .then(async () => {
        if (this.pending.size === 0) return;
        const buckets = [...this.pending.values()];
        this.pending = new Map();
        try {
          await this.store.addIssuance(buckets);
        } catch (error) {
          // Put them back so the next flush retries them.
          for (const bucket of buckets) this.add(bucket);
          throw error;
        }
      });
    return this.flushing;
  }

  /** Starts the periodic flush (the timer does not keep the process alive). */
  start(onError: (error: unknown) => void): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flush().catch(onError), ISSUANCE_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private add(bucket: IssuanceBucket): void {
    const key = `${bucket.tenantId} ${bucket.clientId} ${bucket.userId ?? ''} ${bucket.familyId ?? ''} ${bucket.issuedAt} ${bucket.expiresAt}`;
    const existing = this.pending.get(key);
    this.pending.set(key, existing ? { ...bucket, count: bucket.count + existing.count } : bucket);
  }
}
