import { defaults } from '../../config/defaults';
import type { AuditLog } from '../audit/audit-log';
import { catchMaybePromise, mapMaybePromise, type MaybePromise } from '../util/maybe-promise';
import type { ChangeBus } from '../changes/change-bus';
import type { Clock } from '../clock';
import type { DomainLogger } from '../deps';
import { errors, isDomainError, type ErrorCode } from '../errors';
import type { RequestScope } from '../request-scope';
import { lockedUntil } from './lockout';
import type { BucketTally } from './rate-limit-store';
import { RecentFailureHints } from './recent-failure-hints';
import type { SlidingWindowLimiter } from './sliding-window-limiter';
import {
  attemptKeys,
  FAILURE_PREFIX,
  isHot,
  kindOfBucket,
  mayLockUntil,
  ruleOf,
  windowOf,
  type AttemptKeys,
  type CredentialSubject,
  type ThrottleKey,
  type ThrottlePolicy,
} from './throttle-keys';

export type { ThrottlePolicy } from './throttle-keys';

/** One credential check to run under the throttle. */
export interface CredentialAttempt {
  readonly subject: CredentialSubject;
  /** The request's scope: its client IP is the attempt's source, its id goes into the audit trail. */
  readonly scope?: Pick<RequestScope, 'clientIp' | 'requestId'> | null;
  /** The error the endpoint answers a failed check with; a throttled answer carries it as well (status 429). */
  readonly owed: ErrorCode;
}

const MAX_HINTS = 10_000;
const RELOAD_RETRY_MS = 5_000;
const DAY_SECONDS = 24 * 3600;

/**
 * Throttles failed credential checks (OWASP Authentication Cheat Sheet,
 * "Protect against automated attacks"; ASVS V2.2.1; RFC 9700 §4.6) so that
 * an attacker locks out only themselves (policy: defaults.bruteForce, and
 * docs/security.md "Brute-force protection"):
 *
 * - failures are counted per credential AND source (tenant + username, or
 *   client_id, with the client IP, TRUST_PROXY honoured): the pair locks
 *   progressively ({@link lockedUntil}, always ending), refusing that
 *   credential from that source only;
 * - per credential from every source, a slower, higher-threshold brake
 *   refuses only sources that have not authenticated with that credential
 *   in the last `knownSourceDays` (a "known source", marked on success), so
 *   the owner's own source always gets its credential checked;
 * - per source over every credential, a "hot" source (a spray) locks its
 *   pairs at their first failure; a credential it never failed stays open.
 *
 * A correct credential is refused only when its own pair is locked, or when
 * its credential-wide brake is on and its source is unknown.
 *
 * Failures and marks live in PostgreSQL (the sliding-window limiter's
 * `rate_limit_hits`), shared by every instance. A check reads the table only
 * while one of its keys may be locked: each process keeps bounded hints of
 * buckets with live failures and of buckets that may be locked, fed by its
 * own failures, by every other instance's over the change bus (topic
 * `throttle`), and reloaded from the table whenever the bus resyncs. While the
 * bus is not connected, or the hints are not loaded yet, every check reads
 * the table. A success costs no query once its source is known here and its
 * pair has no failures to forget.
 */
export class BruteForceGuard {
  /** Buckets with live failures, until their newest failure leaves the window. */
  private readonly failing = new RecentFailureHints(MAX_HINTS);
  /** Buckets that may be locked (a source: hot) until then. */
  private readonly locking = new RecentFailureHints(MAX_HINTS);
  /** Known-source marks this process wrote or read: mark → until when it is certainly in the table. */
  private readonly knownHere = new Map<string, number>();
  private hintsLoaded = false;
  private loading: Promise<void> | null = null;
  /** Refusals already audited: bucket → the lock's end, so one lock leaves one refusal event per process. */
  private readonly auditedRefusals = new Map<string, number>();

  constructor(
    private readonly limiter: SlidingWindowLimiter,
    private readonly clock: Clock,
    private readonly bus: ChangeBus,
    private readonly audit: AuditLog,
    private readonly log: DomainLogger,
    private readonly policy: ThrottlePolicy = defaults.bruteForce,
  ) {
    bus.onResync(() => void this.reloadHints());
    // The bus may have connected (and resynced) before this guard was built.
    if (bus.live) void this.reloadHints();
    bus.subscribe((event) => {
      if (event.topic !== 'throttle') return;
      // `<failing until ms> <may lock until ms> <bucket>`
      const first = event.key.indexOf(' ');
      const second = event.key.indexOf(' ', first + 1);
      const bucket = event.key.slice(second + 1);
      if (event.kind === 'deleted') {
        this.failing.delete(bucket);
        this.locking.delete(bucket);
        return;
      }
      const nowMs = this.clock.now().getTime();
      this.failing.add(bucket, Number(event.key.slice(0, first)), nowMs);
      const lockingUntil = Number(event.key.slice(first + 1, second));
      if (lockingUntil > nowMs) this.locking.add(bucket, lockingUntil, nowMs);
    });
  }

  /**
   * Runs `verify` (a password or secret check) unless the attempt is refused:
   * its pair (credential + source) is locked, or its credential's brake is on
   * and its source is not known to the credential. A refusal throws
   * `too_many_requests` with the seconds left and `answerAs` = `attempt.owed`,
   * without checking the credential. A null result, or a thrown error of code
   * `owed`, counts as a failure on the pair, the credential and the source; a
   * success forgets the pair's failures and marks the source as known.
   */
  protect<T>(attempt: CredentialAttempt, verify: () => MaybePromise<T | null>): MaybePromise<T | null> {
    const keys = attemptKeys(this.policy, attempt.subject, attempt.scope?.clientIp);
    // No key that may be locked: no table read (the common case, answered at once when `verify` is).
    if (this.mayRefuse(keys)) return this.refuseIfLocked(attempt, keys).then(() => this.counted(attempt, keys, verify));
    return this.counted(attempt, keys, verify);
  }

  private get trusted(): boolean {
    return this.bus.live && this.hintsLoaded;
  }

  private mayRefuse(keys: AttemptKeys): boolean {
    if (!this.trusted) return true;
    const nowMs = this.clock.now().getTime();
    if (this.locking.mayHaveFailed(keys.pair.bucket, nowMs)) return true;
    if (this.failing.mayHaveFailed(keys.pair.bucket, nowMs) && this.locking.mayHaveFailed(keys.ip.bucket, nowMs)) return true;
    return this.locking.mayHaveFailed(keys.wide.bucket, nowMs) && !this.isKnownHere(keys.known, nowMs);
  }

  /** `verify`'s outcome, counted: a failure on every key, or a success forgetting the pair's failures. */
  private counted<T>(attempt: CredentialAttempt, keys: AttemptKeys, verify: () => MaybePromise<T | null>): MaybePromise<T | null> {
    const outcome = catchMaybePromise(verify, (error): Promise<never> => {
      if (isDomainError(error) && error.code === attempt.owed) {
        return this.failed(attempt, keys).then(() => {
          throw error;
        });
      }
      throw error;
    });
    return mapMaybePromise(outcome, (result) => {
      if (result === null) return this.failed(attempt, keys).then(() => result);
      const nowMs = this.clock.now().getTime();
      const forget = this.failing.mayHaveFailed(keys.pair.bucket, nowMs);
      const mark = !this.isKnownHere(keys.known, nowMs);
      return forget || mark ? this.succeeded(keys, forget, mark).then(() => result) : result;
    });
  }

  /** Throws `too_many_requests` when the pair is locked, or the credential's brake is on for an unknown source. */
  private async refuseIfLocked(attempt: CredentialAttempt, keys: AttemptKeys): Promise<void> {
    const now = this.clock.now();
    const nowMs = now.getTime();
    const knownHere = this.isKnownHere(keys.known, nowMs);
    const tallies = await this.limiter.tally([keys.pair.bucket, keys.wide.bucket, keys.ip.bucket, ...(knownHere ? [] : [keys.known])]);
    const tallyOf = (bucket: string): BucketTally | null => tallies.find((t) => t.bucket === bucket) ?? null;
    for (const key of [keys.pair, keys.wide, keys.ip]) this.note(key, tallyOf(key.bucket), nowMs);
    const mark = knownHere ? null : tallyOf(keys.known);
    if (mark) this.rememberHere(keys.known, Math.min(mark.newestExpiry.getTime(), nowMs + DAY_SECONDS * 1000));
    const known = knownHere || mark !== null;

    const hot = isHot(this.policy, tallyOf(keys.ip.bucket)?.count ?? 0);
    const locks: { key: ThrottleKey; until: Date; failures: number }[] = [];
    const pair = tallyOf(keys.pair.bucket);
    if (pair) {
      const until = lockedUntil(
        ruleOf(this.policy, keys.pair.kind as 'account-source' | 'client-source', hot),
        pair.count,
        latestFailure(keys.pair, pair),
      );
      if (until && until > now) locks.push({ key: keys.pair, until, failures: pair.count });
    }
    const wide = tallyOf(keys.wide.bucket);
    if (wide && !known) {
      const until = lockedUntil(ruleOf(this.policy, keys.wide.kind as 'account' | 'client'), wide.count, latestFailure(keys.wide, wide));
      if (until && until > now) locks.push({ key: keys.wide, until, failures: wide.count });
    }
    if (locks.length === 0) return;
    const worst = locks.reduce((a, b) => (b.until > a.until ? b : a));
    const retryAfter = Math.max(1, Math.ceil((worst.until.getTime() - nowMs) / 1000));
    if (this.auditedRefusals.get(worst.key.bucket) !== worst.until.getTime()) {
      this.auditedRefusals.delete(worst.key.bucket);
      this.auditedRefusals.set(worst.key.bucket, worst.until.getTime());
      if (this.auditedRefusals.size > MAX_HINTS) this.auditedRefusals.delete(this.auditedRefusals.keys().next().value!);
      await this.record(attempt, worst.key, {
        phase: 'refused',
        scope: scopeOf(worst.key),
        failures: worst.failures,
        retryAfterSeconds: retryAfter,
      });
    }
    throw errors.tooManyRequests(retryAfter, `too many failed attempts; try again in ${retryAfter} seconds`, attempt.owed);
  }

  /** Updates the hints of `key` from its tally as read from the table now (null: no live failures). */
  private note(key: ThrottleKey, tally: BucketTally | null, nowMs: number): void {
    if (!tally) {
      this.failing.delete(key.bucket);
      this.locking.delete(key.bucket);
      return;
    }
    this.failing.add(key.bucket, tally.newestExpiry.getTime(), nowMs);
    const until = mayLockUntil(this.policy, key.kind, tally.count, latestFailure(key, tally).getTime());
    if (until > nowMs) this.locking.add(key.bucket, until, nowMs);
    else this.locking.delete(key.bucket);
  }

  private async failed(attempt: CredentialAttempt, keys: AttemptKeys): Promise<void> {
    const now = this.clock.now();
    const nowMs = now.getTime();
    const all = [keys.pair, keys.wide, keys.ip];
    const tallies: BucketTally[] = [];
    for (const windowSeconds of new Set(all.map((key) => key.windowSeconds))) {
      tallies.push(
        ...(await this.limiter.add(
          all.filter((key) => key.windowSeconds === windowSeconds).map((key) => key.bucket),
          windowSeconds,
        )),
      );
    }
    const tallyOf = (key: ThrottleKey): BucketTally | null => tallies.find((t) => t.bucket === key.bucket) ?? null;
    for (const key of all) {
      const tally = tallyOf(key);
      if (!tally) continue;
      const lockingUntil = mayLockUntil(this.policy, key.kind, tally.count, nowMs);
      this.failing.add(key.bucket, tally.newestExpiry.getTime(), nowMs);
      if (lockingUntil > nowMs) this.locking.add(key.bucket, lockingUntil, nowMs);
      this.publish('created', `${tally.newestExpiry.getTime()} ${lockingUntil} ${key.bucket}`);
    }
    const sourceFailures = tallyOf(keys.ip)?.count ?? 0;
    const hot = isHot(this.policy, sourceFailures);
    if (sourceFailures === this.policy.ip.threshold)
      await this.record(attempt, keys.ip, { phase: 'hot', scope: 'every credential', failures: sourceFailures });
    const pair = tallyOf(keys.pair);
    const pairUntil = pair && lockedUntil(ruleOf(this.policy, keys.pair.kind as 'account-source' | 'client-source', hot), pair.count, now);
    if (pair && pairUntil)
      await this.record(attempt, keys.pair, {
        phase: 'locked',
        scope: 'source',
        failures: pair.count,
        lockSeconds: Math.round((pairUntil.getTime() - nowMs) / 1000),
      });
    const wide = tallyOf(keys.wide);
    const wideUntil = wide && lockedUntil(ruleOf(this.policy, keys.wide.kind as 'account' | 'client'), wide.count, now);
    if (wide && wideUntil)
      await this.record(attempt, keys.wide, {
        phase: 'locked',
        scope: 'unknown sources',
        failures: wide.count,
        lockSeconds: Math.round((wideUntil.getTime() - nowMs) / 1000),
      });
  }

  /** A correct credential: the pair's failures are forgotten (never the credential's or the source's), the source marked as known. */
  private async succeeded(keys: AttemptKeys, forget: boolean, mark: boolean): Promise<void> {
    if (forget) {
      await this.limiter.clear([keys.pair.bucket]);
      this.failing.delete(keys.pair.bucket);
      this.locking.delete(keys.pair.bucket);
      this.publish('deleted', `0 0 ${keys.pair.bucket}`);
    }
    if (mark) {
      // The mark holds knownSourceDays and is rewritten at most once a day; this process trusts it for that day.
      await this.limiter.remember(keys.known, this.policy.knownSourceDays * DAY_SECONDS, DAY_SECONDS);
      this.rememberHere(keys.known, this.clock.now().getTime() + DAY_SECONDS * 1000);
    }
  }

  private isKnownHere(mark: string, nowMs: number): boolean {
    const until = this.knownHere.get(mark);
    if (until === undefined) return false;
    if (until > nowMs) return true;
    this.knownHere.delete(mark);
    return false;
  }

  private rememberHere(mark: string, untilMs: number): void {
    this.knownHere.delete(mark);
    this.knownHere.set(mark, untilMs);
    // Forgetting a mark here only costs its next success one write.
    if (this.knownHere.size > MAX_HINTS) this.knownHere.delete(this.knownHere.keys().next().value!);
  }

  private publish(kind: 'created' | 'deleted', key: string): void {
    this.bus
      .publish({ topic: 'throttle', kind, key })
      .catch((error: unknown) => this.log.warn({ err: error }, 'throttle hint not published'));
  }

  private async record(attempt: CredentialAttempt, key: ThrottleKey, detail: Record<string, string | number>): Promise<void> {
    const { subject, scope } = attempt;
    const clientId = subject.kind === 'client' ? subject.clientId : (subject.clientId ?? null);
    const tenantPath = subject.kind === 'account' ? subject.tenantPath : await subject.auditTenantPath();
    const credentialId = subject.kind === 'account' ? subject.username : subject.clientId;
    this.audit.record({
      action: 'throttle',
      outcome: 'failure',
      tenantPath,
      actorKind: 'anonymous',
      actorId: credentialId,
      actorClientId: clientId,
      targetKind: key.kind === 'ip' ? 'ip' : subject.kind,
      targetId: key.kind === 'ip' ? (scope?.clientIp ?? null) : credentialId,
      clientIp: scope?.clientIp ?? null,
      requestId: scope?.requestId ?? null,
      detail,
    });
  }

  /** Loads the hints of every live failure bucket (after a bus gap, and at the first connect). */
  private reloadHints(): Promise<void> {
    this.hintsLoaded = false;
    this.loading ??= (async () => {
      try {
        const nowMs = this.clock.now().getTime();
        const live = await this.limiter.liveBuckets(FAILURE_PREFIX, MAX_HINTS);
        for (const tally of live) {
          const kind = kindOfBucket(tally.bucket);
          if (kind) this.note({ kind, bucket: tally.bucket, windowSeconds: windowOf(this.policy, kind) }, tally, nowMs);
        }
        if (live.length >= MAX_HINTS) {
          const { accountSource, clientSource, account, client, ip } = this.policy;
          const longest = Math.max(
            ip.windowSeconds,
            ...[accountSource, clientSource, account, client].flatMap((rule) => [rule.windowSeconds, rule.maxLockSeconds]),
          );
          this.failing.saturate(nowMs + longest * 1000);
          this.locking.saturate(nowMs + longest * 1000);
        }
        this.hintsLoaded = true;
      } catch (error) {
        this.log.warn({ err: error }, 'throttle hints could not be loaded; checking the database until they are');
        setTimeout(() => void this.reloadHints(), RELOAD_RETRY_MS).unref();
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}

/** The newest failure's time: its hit counts for the key's window from then. */
const latestFailure = (key: ThrottleKey, tally: BucketTally): Date => new Date(tally.newestExpiry.getTime() - key.windowSeconds * 1000);

const scopeOf = (key: ThrottleKey): string =>
  key.kind === 'ip' ? 'every credential' : key.kind.endsWith('-source') ? 'source' : 'unknown sources';
