import type { Page, PageRequest } from '../pagination';
import type { WebhookEvent } from '../webhooks/webhook-events';
import type { AuditEvent, AuditFilter } from './audit-event';

/** Where audit events are kept (implemented over PostgreSQL in src/data/). */
export interface AuditStore {
  /**
   * Writes `events` and, in the same transaction, one webhook delivery per `webhookEvents` entry and
   * enabled webhook of its tenant subscribed to its type (the webhook outbox); answers how many
   * deliveries it wrote.
   */
  insert(events: readonly AuditEvent[], webhookEvents?: readonly WebhookEvent[]): Promise<number>;
  /** Newest first, keyset-paged on (occurred_at, id). */
  page(filter: AuditFilter, request: PageRequest): Promise<Page<AuditEvent>>;
  /** Deletes events older than `before`; returns how many. */
  pruneBefore(before: Date): Promise<number>;
}
