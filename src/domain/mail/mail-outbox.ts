import { requireAdmin, type Actor } from '../actor';
import type { Clock } from '../clock';
import type { ServerSecret } from '../crypto/server-secret';
import type { DomainLogger } from '../deps';
import { DomainError } from '../errors';
import type { TenantService } from '../tenants/tenant.service';
import type { Transactions } from '../transactions';
import type { MailKind, MailOutboxStore, MailStatus, OutboxMail } from './mail-outbox-store';
import type { MailSender } from './mail-sender';
import { OutboxWorker } from '../util/outbox-worker';

/** How many mails one pass claims. */
const BATCH = 20;
/** How long a claimed mail stays with the process sending it before another may take it. */
const LEASE_MS = 60_000;
/** Retry after 2 s, 4 s, 8 s … at most an hour apart; given up after this many attempts (about two days). */
const MAX_ATTEMPTS = 60;
const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 3_600_000;
/** Even with nothing due the worker looks again this often (mail written by another process, a lease run out). */
const IDLE_POLL_MS = 60_000;

/** The answer of every mail-flow operation on a server without SMTP_URL. */
const mailDisabled = (): DomainError =>
  new DomainError('validation_failed', 'email is not configured on this server (set SMTP_URL to enable email flows)', {
    field: 'SMTP_URL',
  });

/** The retry delay after `attempts` failed attempts. */
const retryDelayMs = (attempts: number): number => Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));

/**
 * The mail outbox and its delivery worker. Flows write a mail with {@link enqueue} inside the
 * transaction of the action that owes it; once that commits the worker is woken and hands the
 * mail to the {@link MailSender}. A mail server that is down costs nothing: the mail stays
 * pending and is retried with exponential backoff, and admins see it (`mailOutbox` in GraphQL).
 * Several processes share the outbox safely: each claims rows with `for update skip locked`
 * under a lease. Without a sender (no SMTP_URL) every flow is off ({@link enabled} false).
 */
export class MailOutbox {
  private readonly worker: OutboxWorker;

  constructor(
    private readonly store: MailOutboxStore,
    private readonly sender: MailSender | null,
    private readonly transactions: Transactions,
    private readonly tenants: TenantService,
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
    private readonly log: DomainLogger,
  ) {
    this.worker = new OutboxWorker(
      {
        deliverDue: () => this.deliverDue(),
        nextDue: () => this.store.nextDue(),
        now: () => this.clock.now(),
        failed: (error) => this.log.warn({ err: error }, 'mail delivery pass failed'),
      },
      IDLE_POLL_MS,
    );
  }

  /** Whether the server can send mail (SMTP_URL is set). */
  get enabled(): boolean {
    return this.sender !== null;
  }

  /** Throws the clear "set SMTP_URL" error when mail is off. */
  requireEnabled(): void {
    if (!this.enabled) throw mailDisabled();
  }

  /**
   * Writes a mail to the outbox (in the caller's transaction, if any) and wakes the worker once
   * it is committed. The body is sealed: it carries single-use links.
   */
  async enqueue(tenantId: string, kind: MailKind, recipient: string, subject: string, text: string): Promise<void> {
    this.requireEnabled();
    await this.store.enqueue({
      tenantId,
      kind,
      recipient,
      subject,
      sealedBody: this.secret.encrypt(text, 'mail-body'),
      createdAt: this.clock.now(),
    });
    if (!this.transactions.afterCommit(async () => this.wake())) this.wake();
  }

  /** Mails of a tenant of the actor's subtree (default: the actor's) that are pending or failed (or `statuses`), oldest first. */
  async list(
    actor: Actor,
    tenantPath: string | null | undefined,
    statuses: readonly MailStatus[] = ['pending', 'failed'],
  ): Promise<OutboxMail[]> {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    return this.store.list(tenant.id, statuses, 500);
  }

  /** Starts the delivery worker (with the server); a no-op without a sender. */
  start(): void {
    if (!this.sender) return;
    this.worker.start();
  }

  /** Stops the worker and waits for the pass under way; mail not yet sent stays in the outbox. */
  async stop(): Promise<void> {
    await this.worker.stop();
    this.sender?.close();
  }

  /** Runs a delivery pass now (or right after the one under way). */
  wake(): void {
    this.worker.wake();
  }

  /** Delivers every due mail, batch after batch. */
  private async deliverDue(): Promise<void> {
    for (;;) {
      if (this.worker.stopped) return;
      const now = this.clock.now();
      const claimed = await this.store.claimDue(now, new Date(now.getTime() + LEASE_MS), BATCH);
      for (const mail of claimed) await this.deliver(mail);
      if (claimed.length < BATCH) return;
    }
  }

  private async deliver(mail: OutboxMail): Promise<void> {
    try {
      if (mail.sealedBody === null) throw new Error('the mail has no body');
      await this.sender!.send({ to: mail.recipient, subject: mail.subject, text: this.secret.decrypt(mail.sealedBody, 'mail-body') });
      await this.store.markSent(mail.id, this.clock.now());
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      const retryAt = mail.attempts >= MAX_ATTEMPTS ? null : new Date(this.clock.now().getTime() + retryDelayMs(mail.attempts));
      this.log.warn(
        { mailId: mail.id, attempts: mail.attempts, err: error },
        retryAt ? 'mail not delivered; will retry' : 'mail not delivered; given up',
      );
      await this.store.markUndelivered(mail.id, reason, retryAt);
    }
  }
}
