import { randomUUID } from 'node:crypto';
import { tenantPathInScope, type Actor } from '../actor';
import type { Clock } from '../clock';
import type { DomainLogger } from '../deps';
import { ensure, errors } from '../errors';
import type { Page, PageRequest } from '../pagination';
import { normalizeTenantPath } from '../tenants/tenant-path';
import type { WebhookEvent } from '../webhooks/webhook-events';
import type { AuditEvent, AuditEventInput, AuditFilter } from './audit-event';
import type { AuditStore } from './audit-store';

const FLUSH_INTERVAL_MS = 500;
const FLUSH_BATCH = 200;
/** Queued events beyond this are dropped (and counted in the log) rather than growing memory without bound. */
const MAX_QUEUED = 10_000;

/** What the webhook outbox needs from the audit trail: which events are webhook events, and a nudge once deliveries are written. */
export interface AuditWebhooks {
  eventOf(event: AuditEvent): WebhookEvent | null;
  written(): void;
}

export interface AuditListFilter {
  tenantPath?: string | null;
  action?: string | null;
  actor?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/**
 * The audit trail. Admin mutations are written before the mutation is
 * answered (`recordNow`); high-volume events (sign-in and token failures,
 * throttling) are queued and written in batches every 500 ms, so no request
 * path pays a round trip for them (`record`). `stop()` flushes what is queued.
 */
export class AuditLog {
  private queue: AuditEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private dropped = 0;

  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
    private readonly webhooks: AuditWebhooks | null = null,
  ) {}

  /** Queues an event for the next batch write. Never throws and never waits. */
  record(input: AuditEventInput): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped++;
      return;
    }
    this.queue.push(this.stamp(input));
    // One write at a time: a full batch starts it now, otherwise the timer does.
    if (this.queue.length >= FLUSH_BATCH && !this.flushing) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  /** Writes an event now; a failure is logged, never thrown: the audited action has already happened. */
  async recordNow(input: AuditEventInput): Promise<void> {
    try {
      await this.write([this.stamp(input)]);
    } catch (error) {
      this.log.error({ err: error, action: input.action }, 'audit event could not be written');
    }
  }

  /** Writes every queued event; concurrent callers share one write. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.write(batch)
      .catch((error: unknown) => {
        // Put the batch back (bounded) so a short database outage loses nothing.
        this.queue = [...batch, ...this.queue].slice(0, MAX_QUEUED);
        this.log.warn({ err: error, events: batch.length }, 'audit events could not be written; will retry');
        this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS * 4).unref();
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
    if (this.dropped > 0) {
      this.log.warn({ dropped: this.dropped }, 'audit queue was full; events were dropped');
      this.dropped = 0;
    }
  }

  /** Events of the caller's subtree (or of `tenantPath` within it), newest first. */
  async list(actor: Actor, filter: AuditListFilter, page: PageRequest): Promise<Page<AuditEvent>> {
    const tenantPath = tenantPathInScope(
      actor,
      filter.tenantPath ? normalizeTenantPath(filter.tenantPath, 'tenantPath') : actor.tenantPath,
    );
    if (filter.from && filter.to) ensure(filter.from <= filter.to, () => errors.validation('from', 'must not be after `to`'));
    const query: AuditFilter = {
      tenantPath,
      action: filter.action ?? null,
      actor: filter.actor ?? null,
      from: filter.from ?? null,
      to: filter.to ?? null,
    };
    return this.store.page(query, page);
  }

  /** Deletes events older than the retention. */
  prune(retentionDays: number): Promise<number> {
    return this.store.pruneBefore(new Date(this.clock.now().getTime() - retentionDays * 86_400_000));
  }

  async stop(): Promise<void> {
    await this.flush();
  }

  /** Writes events with their webhook deliveries (one transaction, in the store), then wakes the delivery worker. */
  private async write(events: readonly AuditEvent[]): Promise<void> {
    const webhookEvents = this.webhooks ? events.flatMap((event) => this.webhooks!.eventOf(event) ?? []) : [];
    const deliveries = await this.store.insert(events, webhookEvents);
    if (deliveries > 0) this.webhooks?.written();
  }

  private stamp(input: AuditEventInput): AuditEvent {
    return { ...input, id: randomUUID(), occurredAt: this.clock.now() };
  }
}
