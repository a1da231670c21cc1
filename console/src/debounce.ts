export interface Timers {
  set: (run: () => void, ms: number) => unknown;
  clear: (timer: unknown) => void;
}

const browserTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/**
 * Applies the last value pushed once `ms` have passed without another (a search box sends one
 * request per pause in typing, not one per key); `flush` applies a pending value at once (Enter).
 */
export class Debouncer<T> {
  private timer: unknown = null;
  private pending: { value: T } | null = null;

  constructor(
    private readonly ms: number,
    private readonly apply: (value: T) => void,
    private readonly timers: Timers = browserTimers,
  ) {}

  push(value: T): void {
    this.cancel();
    this.pending = { value };
    this.timer = this.timers.set(() => this.flush(), this.ms);
  }

  flush(): void {
    const pending = this.pending;
    this.cancel();
    if (pending) this.apply(pending.value);
  }

  /** Drops a pending value (e.g. when the list goes away). */
  cancel(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.pending = null;
  }
}
