/** What a mail is about; one template per kind. */
export type MailKind = 'password-reset' | 'email-verification' | 'invitation';

export type MailStatus = 'pending' | 'sent' | 'failed';

export interface NewOutboxMail {
  readonly tenantId: string;
  readonly kind: MailKind;
  readonly recipient: string;
  readonly subject: string;
  /** The text body, sealed with the server secret (it holds single-use links). */
  readonly sealedBody: string;
  readonly createdAt: Date;
}

export interface OutboxMail {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: MailKind;
  readonly recipient: string;
  readonly subject: string;
  /** Null once sent. */
  readonly sealedBody: string | null;
  readonly status: MailStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
}

/**
 * The mail outbox (implemented in src/data/mail-outbox.repository.ts). {@link enqueue} joins the
 * caller's transaction, so a mail exists exactly when the action that owes it committed.
 */
export interface MailOutboxStore {
  enqueue(mail: NewOutboxMail): Promise<void>;
  /**
   * Takes up to `limit` pending mails due at `now` that no other process holds (`for update skip
   * locked`), counts an attempt on each and leases it until `leaseUntil` (another process takes it
   * again only after that, should this one die while sending).
   */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<OutboxMail[]>;
  /** Delivered: the sealed body is dropped. */
  markSent(id: string, at: Date): Promise<void>;
  /** Not delivered: retried at `retryAt`, or given up (`failed`) when it is null. */
  markUndelivered(id: string, error: string, retryAt: Date | null): Promise<void>;
  /** The earliest time a pending mail is due, or null when none is pending. */
  nextDue(): Promise<Date | null>;
  /** A tenant's mails with one of `statuses`, oldest first, at most `limit`. */
  list(tenantId: string, statuses: readonly MailStatus[], limit: number): Promise<OutboxMail[]>;
}
