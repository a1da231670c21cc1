import { AuditLog } from '../../../../src/domain/audit/audit-log';
import type { AuditEvent } from '../../../../src/domain/audit/audit-event';
import type { AuditStore } from '../../../../src/domain/audit/audit-store';

class FlakyStore implements AuditStore {
  rows: AuditEvent[] = [];
  failNext = 0;
  writes = 0;
  async insert(events: readonly AuditEvent[]): Promise<number> {
    this.writes++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('connection terminated');
    }
    this.rows.push(...events);
    return 0;
  }
  async page(): Promise<never> {
    throw new Error('unused');
  }
  async pruneBefore(): Promise<number> {
    return 0;
  }
}

const clock = { now: () => new Date('2026-12-01T00:00:00Z') };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const event = (action: string) => ({ action, outcome: 'failure' as const, tenantPath: '/', actorKind: 'anonymous' as const });

describe('AuditLog', () => {
  it('batches queued events into one write', async () => {
    const store = new FlakyStore();
    const audit = new AuditLog(store, clock, silent);
    for (let i = 0; i < 5; i++) audit.record(event(`a${i}`));
    expect(store.writes).toBe(0);
    await audit.flush();
    expect(store.writes).toBe(1);
    expect(store.rows.map((r) => r.action)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(store.rows.every((r) => r.occurredAt.toISOString() === '2026-12-01T00:00:00.000Z' && r.id.length === 36)).toBe(true);
  });

  it('keeps a batch whose write failed and writes it on the next flush, in order', async () => {
    const store = new FlakyStore();
    const audit = new AuditLog(store, clock, silent);
    audit.record(event('first'));
    store.failNext = 1;
    await audit.flush();
    expect(store.rows).toEqual([]);
    audit.record(event('second'));
    await audit.flush();
    expect(store.rows.map((r) => r.action)).toEqual(['first', 'second']);
    await audit.stop();
  });

  it('never throws from recordNow when the store fails, and logs the failure', async () => {
    const store = new FlakyStore();
    const errors: unknown[] = [];
    const audit = new AuditLog(store, clock, { ...silent, error: (o: object) => void errors.push(o) });
    store.failNext = 1;
    await expect(audit.recordNow(event('lost'))).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it('bounds the queue instead of growing without limit', async () => {
    const store = new FlakyStore();
    store.failNext = 1_000;
    const audit = new AuditLog(store, clock, silent);
    for (let i = 0; i < 12_000; i++) audit.record(event('x'));
    await audit.flush();
    store.failNext = 0;
    await audit.flush();
    expect(store.rows.length).toBeLessThanOrEqual(10_000);
    expect(store.rows.length).toBeGreaterThan(9_000);
  });
});
