import type { ChangeBus, ChangeEvent, ChangeListener } from '../../src/domain/changes/change-bus';

/** An in-process change bus for unit tests: publishing delivers at once; `state` and `fireResync` play a gap. */
export class FakeBus implements ChangeBus {
  state: ChangeBus['state'] = 'connected';
  private readonly listeners: ChangeListener[] = [];
  private readonly resync: (() => void)[] = [];
  get live() {
    return this.state === 'connected';
  }
  async publish(event: ChangeEvent) {
    for (const listener of this.listeners) listener(event);
  }
  replay(event: ChangeEvent) {
    for (const listener of this.listeners) listener(event);
  }
  subscribe(listener: ChangeListener) {
    this.listeners.push(listener);
  }
  onResync(listener: () => void) {
    this.resync.push(listener);
  }
  fireResync() {
    for (const listener of this.resync) listener();
  }
  async close() {}
}
