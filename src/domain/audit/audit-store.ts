import type { Page, PageRequest } from '../pagination';
import type { AuditEvent, AuditFilter } from './audit-event';

/** Where audit events are kept (implemented over PostgreSQL in src/data/). */
export interface AuditStore {
  insert(events: readonly AuditEvent[]): Promise<void>;
  /** Newest first, keyset-paged on (occurred_at, id). */
  page(filter: AuditFilter, request: PageRequest): Promise<Page<AuditEvent>>;
  /** Deletes events older than `before`; returns how many. */
  pruneBefore(before: Date): Promise<number>;
}
