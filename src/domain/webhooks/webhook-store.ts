import type { Page, PageRequest } from '../pagination';

export interface Webhook {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description: string;
  /** The signing secret sealed with the server secret (purpose `webhook-secret`). */
  readonly sealedSecret: string;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  readonly id: string;
  /** The order deliveries were written in (a bigint, as text). */
  readonly seq: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly subject: string;
  readonly body: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly giveUpAt: Date;
  readonly lastAttemptAt: Date | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

/** A delivery claimed by one process, with what it needs to send it. */
export interface ClaimedDelivery extends WebhookDelivery {
  readonly claimId: string;
  readonly url: string;
  readonly sealedSecret: string;
}

export interface WebhookChanges {
  readonly url?: string;
  readonly eventTypes?: readonly string[];
  readonly description?: string;
  readonly enabled?: boolean;
  readonly sealedSecret?: string;
}

/** Webhooks and their delivery outbox (src/data/webhook.repository.ts). The outbox rows are written with the audit rows (AuditStore). */
export interface WebhookStore {
  insert(webhook: Omit<Webhook, 'id'>): Promise<Webhook>;
  findById(id: string): Promise<Webhook | null>;
  listByTenant(tenantId: string): Promise<Webhook[]>;
  update(id: string, changes: WebhookChanges, at: Date): Promise<Webhook | null>;
  delete(id: string): Promise<boolean>;
  findDelivery(id: string): Promise<WebhookDelivery | null>;
  /** A webhook's deliveries, newest first (keyset on seq). */
  pageDeliveries(webhookId: string, status: WebhookDeliveryStatus | null, request: PageRequest): Promise<Page<WebhookDelivery>>;
  /**
   * Takes up to `limit` pending deliveries of enabled webhooks due at `now` whose subject has no earlier
   * pending delivery to the same webhook, that no other process holds (`for update skip locked`); counts
   * an attempt, stamps `claimId` and leases each until `leaseUntil`.
   */
  claimDue(now: Date, leaseUntil: Date, claimId: string, limit: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt's result, only while `claimId` still holds the delivery; false when it no longer does. */
  finish(
    id: string,
    claimId: string,
    result: { status: WebhookDeliveryStatus; httpStatus: number | null; error: string | null; at: Date; retryAt: Date | null },
  ): Promise<boolean>;
  /** Makes a delivery pending again, due now, with a new window and no attempts yet; null when there is none or a process is sending it right now. */
  requeue(id: string, now: Date, giveUpAt: Date): Promise<WebhookDelivery | null>;
  /** The earliest time a pending delivery that is first of its subject is due, or null. */
  nextDue(): Promise<Date | null>;
  /** Deletes finished deliveries created before `before`; returns how many. */
  pruneBefore(before: Date): Promise<number>;
}
