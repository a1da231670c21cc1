import { requireAdmin, type Actor } from '../actor';
import type { AuditLog } from '../audit/audit-log';
import type { ClientService } from '../clients/client.service';
import type { Clock } from '../clock';
import type { DomainLogger } from '../deps';
import type { OutboundHttp } from '../outbound/outbound-http';
import type { TenantService } from '../tenants/tenant.service';
import type { Transactions } from '../transactions';
import { exponentialBackoffMs } from '../util/exponential-backoff';
import type {
  BackchannelLogoutDelivery,
  BackchannelLogoutListing,
  BackchannelLogoutStatus,
  BackchannelLogoutStore,
  ClaimedBackchannelLogout,
} from './backchannel-logout-store';
import { LogoutTokens } from './logout-token';
import type { KeyService } from '../keys/key.service';
import type { EndedSession, SessionEndedSink } from './session-ended';
import { OutboxWorker } from '../util/outbox-worker';

/** When to retry and when to give up; the defaults are {@link BACKCHANNEL_LOGOUT_SCHEDULE}. */
export interface BackchannelLogoutSchedule {
  /** The first retry, after the first failed attempt (then doubled at each failure). */
  readonly firstRetryMs: number;
  /** The longest wait between two attempts. */
  readonly maxRetryMs: number;
  /** A delivery not made this long after the session ended is given up (FAILED). */
  readonly giveUpAfterMs: number;
}

/** Retry after 5 s, 10 s, 20 s … at most an hour apart; given up a day after the session ended. */
const BACKCHANNEL_LOGOUT_SCHEDULE: BackchannelLogoutSchedule = Object.freeze({
  firstRetryMs: 5_000,
  maxRetryMs: 3_600_000,
  giveUpAfterMs: 24 * 3_600_000,
});

/** How many deliveries one pass claims. */
const BATCH = 100;
/** How many logout tokens are in flight at once. */
const PARALLEL = 16;
/** How long a claimed delivery stays with the process making it before another may take it. */
const LEASE_MS = 60_000;
/** Even with nothing due the worker looks again this often (rows written by another process, a lease run out). */
const IDLE_POLL_MS = 30_000;
/** How many deliveries a listing shows at most. */
const LIST_LIMIT = 500;

/** What an admin asks to see: one client's deliveries, or one tenant's (default: the caller's). */
export interface BackchannelLogoutQuery {
  readonly clientId?: string | null;
  readonly tenantPath?: string | null;
  /** Default: every status. */
  readonly statuses?: readonly BackchannelLogoutStatus[] | null;
}

/**
 * OpenID Connect Back-Channel Logout 1.0, as the {@link SessionEndedSink}: when sessions end, one
 * row per session and client of it with a `backchannel_logout_uri` is written to a PostgreSQL
 * outbox in one statement (the caller waits for that insert only), and the in-process worker
 * POSTs each client a logout token (`logout_token=…`, application/x-www-form-urlencoded) through
 * the outbound HTTP port, so under its policy (timeout, size limit, no private or loopback
 * address unless allowed). 200 or 204 is delivered; any other answer, a timeout or a refused
 * connection is retried with exponential backoff (first retry after 5 s), and given up (FAILED,
 * audited) a day after the session ended. A token is signed at each attempt (fresh `iat`, `exp`,
 * `jti`), so a retry hours later still carries a token valid for two minutes. Rows survive a
 * restart; several processes share the outbox safely (`for update skip locked` under a lease).
 */
export class BackchannelLogout implements SessionEndedSink {
  private readonly worker: OutboxWorker;

  constructor(
    private readonly store: BackchannelLogoutStore,
    private readonly tokens: LogoutTokens,
    private readonly outbound: OutboundHttp,
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
    private readonly schedule: BackchannelLogoutSchedule = BACKCHANNEL_LOGOUT_SCHEDULE,
  ) {
    this.worker = new OutboxWorker(
      {
        deliverDue: () => this.deliverDue(),
        nextDue: () => this.store.nextDue(),
        now: () => this.clock.now(),
        failed: (error) => this.log.warn({ err: error }, 'back-channel logout pass failed'),
      },
      IDLE_POLL_MS,
    );
  }

  /**
   * Writes the deliveries the ended sessions owe (in the caller's transaction, if any) and wakes
   * the worker once they are committed; never waits for a delivery. Sessions without a client
   * that has a back-channel logout URI write nothing.
   */
  async sessionsEnded(ended: readonly EndedSession[]): Promise<void> {
    if (!ended.some((session) => session.clientIds.length > 0)) return;
    const written = await this.store.enqueue(ended, this.clock.now());
    if (written > 0 && !this.transactions.afterCommit(async () => this.wake())) this.wake();
  }

  /** Deliveries of one client, or of one tenant of the actor's subtree (default: the actor's), newest first, at most 500. */
  async list(actor: Actor, query: BackchannelLogoutQuery): Promise<BackchannelLogoutDelivery[]> {
    requireAdmin(actor);
    let of: BackchannelLogoutListing;
    if (query.clientId) of = { clientRef: (await this.clients.get(actor, query.clientId)).id };
    else of = { tenantId: (await this.tenants.get(actor, query.tenantPath || actor.tenantPath, 'tenantPath')).id };
    const statuses = query.statuses && query.statuses.length > 0 ? query.statuses : (['pending', 'delivered', 'failed'] as const);
    return this.store.list(of, statuses, LIST_LIMIT);
  }

  /** Starts the delivery worker (with the server): what is due, from before a restart too, goes out now. */
  start(): void {
    this.worker.start();
  }

  /** Stops the worker and waits for the pass under way; deliveries not yet made stay in the outbox. */
  async stop(): Promise<void> {
    await this.worker.stop();
  }

  /** Runs a delivery pass now (or right after the one under way). */
  wake(): void {
    this.worker.wake();
  }

  /** Delivers every due logout token, batch after batch, {@link PARALLEL} at a time. */
  private async deliverDue(): Promise<void> {
    for (;;) {
      if (this.worker.stopped) return;
      const now = this.clock.now();
      const claimed = await this.store.claimDue(now, new Date(now.getTime() + LEASE_MS), BATCH);
      const delivered: ClaimedBackchannelLogout[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < claimed.length) {
          const delivery = claimed[next++]!;
          if (await this.attempt(delivery)) delivered.push(delivery);
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL, claimed.length) }, worker));
      if (delivered.length > 0) {
        await this.store.markDelivered(
          delivered.map((delivery) => delivery.id),
          this.clock.now(),
        );
        for (const delivery of delivered) await this.record(delivery, 'success');
      }
      if (claimed.length < BATCH) return;
    }
  }

  /** One attempt: true when the client took the token (200 or 204); otherwise the failure is recorded. */
  private async attempt(delivery: ClaimedBackchannelLogout): Promise<boolean> {
    try {
      if (delivery.uri === null) {
        await this.giveUp(
          delivery,
          delivery.clientId === '' ? 'the client no longer exists' : 'the client no longer has a back-channel logout URI',
        );
        return false;
      }
      const token = await this.tokens.sign({
        clientTenantId: delivery.tenantId,
        clientId: delivery.clientId,
        userId: delivery.userId,
        sid: delivery.sid,
      });
      const status = await this.outbound.postForm(delivery.uri, { logout_token: token });
      // §2.8: 200 OK (204 accepted too); anything else, redirects included, is a failure to retry.
      if (status === 200 || status === 204) return true;
      await this.failed(delivery, `status ${status}`);
    } catch (error) {
      await this.failed(delivery, error instanceof Error ? error.message : String(error)).catch((failure: unknown) =>
        this.log.warn({ err: failure, deliveryId: delivery.id }, 'back-channel logout failure could not be recorded'),
      );
    }
    return false;
  }

  /** A failed attempt: retried after the backoff, or given up once past the day. */
  private async failed(delivery: ClaimedBackchannelLogout, reason: string): Promise<void> {
    const now = this.clock.now().getTime();
    const retryAt = now + exponentialBackoffMs(delivery.attempts, this.schedule.firstRetryMs, this.schedule.maxRetryMs);
    if (retryAt > delivery.createdAt.getTime() + this.schedule.giveUpAfterMs) return this.giveUp(delivery, reason);
    this.log.warn(
      { deliveryId: delivery.id, clientId: delivery.clientId, attempts: delivery.attempts, reason },
      'logout token not delivered; will retry',
    );
    await this.store.markUndelivered(delivery.id, reason.slice(0, 500), new Date(retryAt));
  }

  private async giveUp(delivery: ClaimedBackchannelLogout, reason: string): Promise<void> {
    this.log.warn(
      { deliveryId: delivery.id, clientId: delivery.clientId, attempts: delivery.attempts, reason },
      'logout token not delivered; given up',
    );
    await this.store.markUndelivered(delivery.id, reason.slice(0, 500), null);
    await this.record(delivery, 'failure', reason);
  }

  /** Audits a delivery (`backchannelLogout`, success) or a delivery given up (failure), under the client's tenant. */
  private async record(delivery: ClaimedBackchannelLogout, outcome: 'success' | 'failure', reason?: string): Promise<void> {
    const tenant = await this.tenants.findById(delivery.tenantId);
    this.audit.record({
      action: 'backchannelLogout',
      outcome,
      tenantPath: tenant?.path ?? '/',
      actorKind: 'system',
      targetKind: 'client',
      targetId: delivery.clientId,
      detail: { sid: delivery.sid, attempts: delivery.attempts, ...(reason ? { reason: reason.slice(0, 200) } : {}) },
    });
  }
}

/** What {@link createBackchannelLogout} builds the sink from. */
export interface BackchannelLogoutDeps {
  readonly store: BackchannelLogoutStore;
  /** The server's ISSUER (tenant issuers are under it). */
  readonly issuer: string;
  readonly keys: KeyService;
  readonly tenants: TenantService;
  readonly clients: ClientService;
  readonly outbound: OutboundHttp;
  readonly transactions: Transactions;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly log: DomainLogger;
  readonly schedule?: BackchannelLogoutSchedule;
}

/**
 * The back-channel logout sink and its worker, ready to hand to whatever ends sessions (a
 * {@link SessionEndedSink}); `start()` it with the server and `stop()` it on shutdown.
 */
export function createBackchannelLogout(deps: BackchannelLogoutDeps): BackchannelLogout {
  return new BackchannelLogout(
    deps.store,
    new LogoutTokens(deps.issuer, deps.keys, deps.tenants, deps.clock),
    deps.outbound,
    deps.clients,
    deps.tenants,
    deps.transactions,
    deps.audit,
    deps.clock,
    deps.log,
    deps.schedule,
  );
}
