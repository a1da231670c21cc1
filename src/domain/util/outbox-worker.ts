/**
 * The delivery loop every PostgreSQL outbox runs (mail, back-channel logout, webhooks): one pass at
 * a time over what is due, started again at once when woken during a pass, and otherwise woken by
 * its own timer when the next row falls due (at most `idlePollMs` later, so rows written by another
 * process are found too). Stopping waits for the pass under way; rows not delivered stay where they are.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private halted = true;
  private pass: Promise<void> = Promise.resolve();

  constructor(
    private readonly loop: {
      /** Delivers what is due, batch after batch; should return early once {@link OutboxWorker.stopped}. */
      deliverDue(): Promise<void>;
      /** When the next undelivered row falls due; null when none is pending. */
      nextDue(): Promise<Date | null>;
      now(): Date;
      /** A pass that threw (the database is down, say); the loop goes on at its next wake. */
      failed(error: unknown): void;
    },
    private readonly idlePollMs: number,
  ) {}

  /** Whether the loop is stopped (or not started yet). */
  get stopped(): boolean {
    return this.halted;
  }

  /** Starts the loop: what is due, from before a restart too, goes out now. */
  start(): void {
    if (!this.halted) return;
    this.halted = false;
    this.wake();
  }

  /** Stops the loop and waits for the pass under way. */
  async stop(): Promise<void> {
    this.halted = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** Runs a pass now (or right after the one under way). */
  wake(): void {
    if (this.halted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = true;
    this.pass = this.loop
      .deliverDue()
      .catch((error: unknown) => this.loop.failed(error))
      .then(() => this.schedule())
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Sleeps until the next pending row is due (at most `idlePollMs`). */
  private async schedule(): Promise<void> {
    if (this.halted) return;
    const due = await this.loop.nextDue().catch(() => null);
    const wait = due === null ? this.idlePollMs : Math.min(this.idlePollMs, Math.max(0, due.getTime() - this.loop.now().getTime()));
    if (this.halted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }
}
