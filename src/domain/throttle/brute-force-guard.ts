import { defaults } from '../../config/defaults';
import type { BucketTally } from '../../data/rate-limit.repository';
import type { AuditLog } from '../audit/audit-log';
import { catchAwaitable, chainAwaitable, type Awaitable } from '../cache/awaitable';
import type { ChangeBus } from '../cache/change-bus';
import type { Clock } from '../clock';
import type { DomainLogger } from '../deps';
import { errors, isDomainError, type ErrorCode } from '../errors';
import type { RequestScope } from '../request-scope';
import { usernameKey } from '../users/username-key';
import { lockedUntil, type LockoutRule } from './lockout';
import { RecentFailureHints } from './recent-failure-hints';
import type { SlidingWindowLimiter } from './sliding-window-limiter';

/** Whose secret a credential check tries: a user's password (account) or a client's secret. */
export type CredentialSubject =
  | { readonly kind: 'account'; readonly tenantId: string; readonly tenantPath: string; readonly username: string; readonly clientId?: string | null }
  | { readonly kind: 'client'; readonly clientId: string };

/** One credential check to run under the throttle. */
export interface CredentialAttempt {
  readonly subject: CredentialSubject;
  /** The request's scope: its client IP is throttled too, its id goes into the audit trail. */
  readonly scope?: Pick<RequestScope, 'clientIp' | 'requestId'> | null;
  /** The error the endpoint answers a failed check with; a throttled answer carries it as well (status 429). */
  readonly owed: ErrorCode;
}

export type ThrottleKeyKind = 'account' | 'client' | 'ip';

interface ThrottleKey {
  readonly kind: ThrottleKeyKind;
  /** Shown in the audit trail: the username, client_id or IP. */
  readonly id: string;
  readonly bucket: string;
  readonly rule: LockoutRule;
}

const PREFIX = 'bf:';
const MAX_HINTS = 10_000;
const RELOAD_RETRY_MS = 5_000;

/**
 * Throttles failed credential checks (OWASP ASVS V2.2.1, RFC 9700 §4.6 for
 * the password grant) per account (tenant + username regardless of case, as sign-in matches it) or per client
 * (client_id, for client secrets), and per client IP (TRUST_PROXY honoured),
 * with a progressive lockout ({@link lockedUntil}) that always ends.
 *
 * Failures are counted in PostgreSQL (the sliding-window limiter's
 * `rate_limit_hits`), so every instance shares them. A successful check
 * costs no query unless one of its keys failed recently: each process keeps
 * a bounded hint set of keys with live failures, fed by its own failures,
 * by every other instance's over the change bus (topic `throttle`), and
 * reloaded from the table whenever the bus resyncs. While the bus is not
 * connected, or the hints are not loaded yet, every check reads the table.
 */
export class BruteForceGuard {
  private readonly hints = new RecentFailureHints(MAX_HINTS);
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
    private readonly tenantPathOfClient: (clientId: string) => Promise<string>,
    private readonly rules: Readonly<Record<ThrottleKeyKind, LockoutRule>> = defaults.bruteForce,
  ) {
    bus.onResync(() => void this.reloadHints());
    // The bus may have connected (and resynced) before this guard was built.
    if (bus.live) void this.reloadHints();
    bus.subscribe((event) => {
      if (event.topic !== 'throttle') return;
      const space = event.key.indexOf(' ');
      const bucket = event.key.slice(space + 1);
      if (event.kind === 'deleted') this.hints.delete(bucket);
      else this.hints.add(bucket, Number(event.key.slice(0, space)), this.clock.now().getTime());
    });
  }

  /**
   * Runs `verify` (a password or secret check) unless the attempt's account,
   * client or IP is locked, in which case it throws `too_many_requests` with
   * the seconds left and `answerAs` = `attempt.owed`, without checking the
   * credential. A null result, or a thrown error of code `owed`, counts as a
   * failure on every key; a success forgets the account's or client's
   * failures (never the IP's).
   */
  protect<T>(attempt: CredentialAttempt, verify: () => Awaitable<T | null>): Awaitable<T | null> {
    const keys = this.keysOf(attempt);
    // Keys without a recent failure need no table read (the common case: answered at once when `verify` is).
    const suspects = this.suspectsOf(keys);
    if (suspects.length > 0) return this.refuseIfLocked(attempt, suspects).then(() => this.counted(attempt, keys, verify));
    return this.counted(attempt, keys, verify);
  }

  /** `verify`'s outcome, counted: a failure on every key, or a success forgetting the account's or client's failures. */
  private counted<T>(attempt: CredentialAttempt, keys: ThrottleKey[], verify: () => Awaitable<T | null>): Awaitable<T | null> {
    const outcome = catchAwaitable(verify, (error): Promise<never> => {
      if (isDomainError(error) && error.code === attempt.owed) {
        return this.failed(attempt, keys).then(() => {
          throw error;
        });
      }
      throw error;
    });
    return chainAwaitable(outcome, (result) => {
      if (result === null) return this.failed(attempt, keys).then(() => result);
      const forget = this.toForget(keys);
      return forget.length > 0 ? this.succeeded(forget).then(() => result) : result;
    });
  }

  private keysOf({ subject, scope }: CredentialAttempt): ThrottleKey[] {
    const keys: ThrottleKey[] =
      subject.kind === 'account'
        ? [{ kind: 'account', id: subject.username, bucket: `${PREFIX}account:${subject.tenantId}:${usernameKey(subject.username)}`, rule: this.rules.account }]
        : [{ kind: 'client', id: subject.clientId, bucket: `${PREFIX}client:${subject.clientId}`, rule: this.rules.client }];
    if (scope?.clientIp) keys.push({ kind: 'ip', id: scope.clientIp, bucket: `${PREFIX}ip:${scope.clientIp}`, rule: this.rules.ip });
    return keys;
  }

  private needsCheck(key: ThrottleKey, nowMs: number): boolean {
    return !this.bus.live || !this.hintsLoaded || this.hints.mayHaveFailed(key.bucket, nowMs);
  }

  private suspectsOf(keys: ThrottleKey[]): ThrottleKey[] {
    const nowMs = this.clock.now().getTime();
    return keys.filter((key) => this.needsCheck(key, nowMs));
  }

  /** Throws `too_many_requests` when one of `suspects` (keys that may have failed recently) is locked. */
  private async refuseIfLocked(attempt: CredentialAttempt, suspects: ThrottleKey[]): Promise<void> {
    const now = this.clock.now();
    const tallies = await this.limiter.tally(suspects.map((key) => key.bucket));
    let worst: { key: ThrottleKey; until: Date; tally: BucketTally } | null = null;
    for (const key of suspects) {
      const tally = tallies.find((t) => t.bucket === key.bucket);
      if (!tally) {
        this.hints.delete(key.bucket);
        continue;
      }
      this.hints.add(key.bucket, tally.newestExpiry.getTime(), now.getTime());
      const until = lockedUntil(key.rule, tally.count, latestFailure(key, tally));
      if (until && until > now && (!worst || until > worst.until)) worst = { key, until, tally };
    }
    if (!worst) return;
    const retryAfter = Math.max(1, Math.ceil((worst.until.getTime() - now.getTime()) / 1000));
    if (this.auditedRefusals.get(worst.key.bucket) !== worst.until.getTime()) {
      this.auditedRefusals.delete(worst.key.bucket);
      this.auditedRefusals.set(worst.key.bucket, worst.until.getTime());
      if (this.auditedRefusals.size > MAX_HINTS) this.auditedRefusals.delete(this.auditedRefusals.keys().next().value!);
      await this.record(attempt, worst.key, { phase: 'refused', failures: worst.tally.count, retryAfterSeconds: retryAfter });
    }
    throw errors.tooManyRequests(retryAfter, `too many failed attempts; try again in ${retryAfter} seconds`, attempt.owed);
  }

  private async failed(attempt: CredentialAttempt, keys: ThrottleKey[]): Promise<void> {
    const now = this.clock.now();
    const tallies: BucketTally[] = [];
    for (const windowSeconds of new Set(keys.map((key) => key.rule.windowSeconds))) {
      tallies.push(...(await this.limiter.add(keys.filter((key) => key.rule.windowSeconds === windowSeconds).map((key) => key.bucket), windowSeconds)));
    }
    for (const key of keys) {
      const tally = tallies.find((t) => t.bucket === key.bucket);
      if (!tally) continue;
      this.hints.add(key.bucket, tally.newestExpiry.getTime(), now.getTime());
      this.publish('created', `${tally.newestExpiry.getTime()} ${key.bucket}`);
      const until = lockedUntil(key.rule, tally.count, now);
      if (until) await this.record(attempt, key, { phase: 'locked', failures: tally.count, lockSeconds: Math.round((until.getTime() - now.getTime()) / 1000) });
    }
  }

  /** The account or client keys whose failures a success forgets (never the IP's). */
  private toForget(keys: ThrottleKey[]): ThrottleKey[] {
    const nowMs = this.clock.now().getTime();
    return keys.filter((key) => key.kind !== 'ip' && this.hints.mayHaveFailed(key.bucket, nowMs) && this.bus.live && this.hintsLoaded);
  }

  private async succeeded(forget: ThrottleKey[]): Promise<void> {
    await this.limiter.clear(forget.map((key) => key.bucket));
    for (const key of forget) {
      this.hints.delete(key.bucket);
      this.publish('deleted', `0 ${key.bucket}`);
    }
  }

  private publish(kind: 'created' | 'deleted', key: string): void {
    this.bus.publish({ topic: 'throttle', kind, key }).catch((error: unknown) => this.log.warn({ err: error }, 'throttle hint not published'));
  }

  private async record(attempt: CredentialAttempt, key: ThrottleKey, detail: Record<string, string | number>): Promise<void> {
    const { subject, scope } = attempt;
    const clientId = subject.kind === 'client' ? subject.clientId : (subject.clientId ?? null);
    const tenantPath = subject.kind === 'account' ? subject.tenantPath : await this.tenantPathOfClient(subject.clientId);
    this.audit.record({
      action: 'throttle',
      outcome: 'failure',
      tenantPath,
      actorKind: 'anonymous',
      actorId: subject.kind === 'account' ? subject.username : subject.clientId,
      actorClientId: clientId,
      targetKind: key.kind,
      targetId: key.id,
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
        const now = this.clock.now();
        const live = await this.limiter.liveBuckets(PREFIX, MAX_HINTS);
        for (const tally of live) this.hints.add(tally.bucket, tally.newestExpiry.getTime(), now.getTime());
        const longest = Math.max(...Object.values(this.rules).map((rule) => rule.windowSeconds));
        if (live.length >= MAX_HINTS) this.hints.saturate(now.getTime() + longest * 1000);
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

/** The newest failure's time: its hit counts for the rule's window from then. */
const latestFailure = (key: ThrottleKey, tally: BucketTally): Date => new Date(tally.newestExpiry.getTime() - key.rule.windowSeconds * 1000);
