import type { ChildProcess } from 'node:child_process';

/** A running PgBouncer (tests/support/pgbouncer.cjs). */
export interface PgBouncer {
  /** The target URL with PgBouncer's host and port. */
  readonly url: string;
  readonly process: ChildProcess;
  /** What PgBouncer has logged so far (for a failing test's message). */
  log(): string;
  stop(): Promise<void>;
}

export function startPgBouncer(targetUrl: string, listenPort?: number): Promise<PgBouncer>;
