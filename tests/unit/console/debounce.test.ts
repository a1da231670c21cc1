import { Debouncer, type Timers } from '../../../console/src/debounce';

/** Timers driven by hand: `advance(ms)` runs whatever falls due. */
function manualTimers() {
  let now = 0;
  let nextId = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    set: (run, ms) => (due.set(++nextId, { at: now + ms, run }), nextId),
    clear: (id) => due.delete(id as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...due].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at <= now) {
        due.delete(id);
        timer.run();
      }
    }
  };
  return { timers, advance, pending: () => due.size };
}

describe('console search debouncing', () => {
  it('applies only the last value, once typing pauses for the delay', () => {
    const { timers, advance } = manualTimers();
    const applied: string[] = [];
    const debouncer = new Debouncer<string>(300, (value) => applied.push(value), timers);
    for (const text of ['z', 'ze', 'zet', 'zeta']) {
      debouncer.push(text);
      advance(100);
    }
    expect(applied).toEqual([]);
    advance(199);
    expect(applied).toEqual([]);
    advance(1);
    expect(applied).toEqual(['zeta']);
    advance(1000);
    expect(applied).toEqual(['zeta']);
  });

  it('applies at once on flush (Enter), and not again when the delay ends', () => {
    const { timers, advance, pending } = manualTimers();
    const applied: string[] = [];
    const debouncer = new Debouncer<string>(300, (value) => applied.push(value), timers);
    debouncer.push('gra');
    debouncer.flush();
    expect(applied).toEqual(['gra']);
    expect(pending()).toBe(0);
    advance(300);
    debouncer.flush();
    expect(applied).toEqual(['gra']);
  });

  it('drops a pending value on cancel (the list went away)', () => {
    const { timers, advance } = manualTimers();
    const applied: string[] = [];
    const debouncer = new Debouncer<string>(300, (value) => applied.push(value), timers);
    debouncer.push('x');
    debouncer.cancel();
    advance(1000);
    expect(applied).toEqual([]);
  });

  it('runs on real timers by default', async () => {
    const applied: string[] = [];
    const debouncer = new Debouncer<string>(5, (value) => applied.push(value));
    debouncer.push('a');
    debouncer.push('b');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(applied).toEqual(['b']);
  });
});
