import { RecentFailureHints } from '../../../../src/domain/throttle/recent-failure-hints';

describe('RecentFailureHints', () => {
  it('holds a key until its window ends, and nothing else', () => {
    const hints = new RecentFailureHints(10);
    hints.add('a', 1000, 0);
    expect(hints.mayHaveFailed('a', 999)).toBe(true);
    expect(hints.mayHaveFailed('b', 0)).toBe(false);
    expect(hints.mayHaveFailed('a', 1000)).toBe(false);
    expect(hints.size).toBe(0);
  });

  it('stays bounded, and evicting a live hint makes every key need a check until it would have expired', () => {
    const hints = new RecentFailureHints(2);
    hints.add('victim', 5000, 0);
    hints.add('x', 1000, 0);
    hints.add('y', 1000, 0);
    expect(hints.size).toBe(2);
    expect(hints.mayHaveFailed('victim', 10)).toBe(true);
    expect(hints.mayHaveFailed('never-failed', 4999)).toBe(true);
    expect(hints.mayHaveFailed('never-failed', 5000)).toBe(false);
  });

  it('evicting expired hints does not saturate', () => {
    const hints = new RecentFailureHints(1);
    hints.add('old', 100, 0);
    hints.add('new', 1000, 200);
    expect(hints.mayHaveFailed('other', 300)).toBe(false);
    expect(hints.mayHaveFailed('new', 300)).toBe(true);
  });
});
