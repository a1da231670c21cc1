import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { ServerSecret } from '../crypto/server-secret';
import type { DomainLogger } from '../deps';
import type { OutboundHttp } from '../outbound/outbound-http';
import { webhookSignature } from './webhook-signature';
import type { ClaimedDelivery, WebhookStore } from './webhook-store';
import { OutboxWorker } from '../util/outbox-worker';

/** How many deliveries one pass claims (sent in parallel: one slow target costs the pass one timeout, not one per delivery). */
const BATCH = 20;
/** How long a claimed delivery stays with the process sending it: far above the outbound timeout, so only a dead process loses it. */
const LEASE_MS = 60_000;
/** Retries at most this far apart. */
const MAX_RETRY_MS = 3_600_000;
/** Even with nothing due the worker looks again this often (deliveries written by another process, a lease run out). */
const IDLE_POLL_MS = 30_000;

export interface WebhookDispatchOptions {
  /** The first retry delay; doubled after each failed attempt up to an hour (WEBHOOK_RETRY_FIRST_MS, default 5 s). */
  readonly firstRetryMs: number;
}

/**
 * The webhook delivery worker. Deliveries are written with the audit rows (AuditStore.insert); this worker
 * claims due ones (`for update skip locked`, a lease and a claim id: several processes share the outbox,
 * a row is with one process at a time), POSTs them signed (Standard Webhooks headers) through the
 * outbound port (its policy, timeout and size limit), and records the result only while its claim holds.
 * A 2xx answer marks a delivery delivered (never sent again unless an admin redelivers); anything else is
 * retried with exponential backoff until the delivery's window (a day) ends, then it is `failed`.
 * A delivery waits while an earlier one of the same subject to the same webhook is pending.
 */
export class WebhookDispatcher {
  private readonly worker: OutboxWorker;

  constructor(
    private readonly store: WebhookStore,
    private readonly outbound: OutboundHttp,
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
    private readonly options: WebhookDispatchOptions = { firstRetryMs: 5_000 },
  ) {
    this.worker = new OutboxWorker(
      {
        deliverDue: () => this.deliverDue(),
        nextDue: () => this.store.nextDue(),
        now: () => this.clock.now(),
        failed: (error) => this.log.warn({ err: error }, 'webhook delivery pass failed'),
      },
      IDLE_POLL_MS,
    );
  }

  start(): void {
    this.worker.start();
  }

  /** Stops the worker and waits for the pass under way; what is not delivered stays in the outbox. */
  async stop(): Promise<void> {
    await this.worker.stop();
  }

  /** Runs a delivery pass now (or right after the one under way). */
  wake(): void {
    this.worker.wake();
  }

  private async deliverDue(): Promise<void> {
    for (;;) {
      if (this.worker.stopped) return;
      const now = this.clock.now();
      const claimed = await this.store.claimDue(now, new Date(now.getTime() + LEASE_MS), randomUUID(), BATCH);
      await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
      // A delivered one may have released the next of its subject: look again while anything was claimed.
      if (claimed.length === 0) return;
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const secret = this.secret.decrypt(delivery.sealedSecret, 'webhook-secret');
      const timestamp = Math.floor(this.clock.now().getTime() / 1000);
      const { status } = await this.outbound.post(
        delivery.url,
        {
          'webhook-id': delivery.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': webhookSignature(secret, delivery.id, timestamp, delivery.body),
          'user-agent': 'tenant-idp-webhooks/1',
        },
        delivery.body,
      );
      httpStatus = status;
      if (status < 200 || status > 299) error = `status ${status}`;
    } catch (thrown) {
      error = (thrown instanceof Error ? thrown.message : String(thrown)).slice(0, 500);
    }
    const at = this.clock.now();
    try {
      if (error === null) {
        await this.store.finish(delivery.id, delivery.claimId, { status: 'delivered', httpStatus, error: null, at, retryAt: null });
        return;
      }
      const giveUp = at >= delivery.giveUpAt;
      const delay = Math.min(MAX_RETRY_MS, this.options.firstRetryMs * 2 ** Math.max(0, delivery.attempts - 1));
      const retryAt = giveUp ? null : new Date(Math.min(at.getTime() + delay, delivery.giveUpAt.getTime()));
      this.log.warn(
        { deliveryId: delivery.id, webhookId: delivery.webhookId, attempts: delivery.attempts, reason: error },
        giveUp ? 'webhook not delivered; given up' : 'webhook not delivered; will retry',
      );
      await this.store.finish(delivery.id, delivery.claimId, { status: giveUp ? 'failed' : 'pending', httpStatus, error, at, retryAt });
    } catch (failure) {
      // The lease runs out and another pass (of any process) takes it again.
      this.log.warn({ err: failure, deliveryId: delivery.id }, 'webhook delivery result could not be recorded');
    }
  }
}
