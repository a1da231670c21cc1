/** What changed: the cache that must drop `key` on every instance. */
export type ChangeTopic = 'tenant' | 'client' | 'signing_key' | 'revocation';

export interface ChangeEvent {
  topic: ChangeTopic;
  key: string;
}

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * Fan-out of change notifications to every server instance. Publishers also
 * see their own events, so a listener is the single place a cache is invalidated.
 */
export interface ChangeBus {
  publish(event: ChangeEvent): Promise<void>;
  subscribe(listener: ChangeListener): void;
  close(): Promise<void>;
}

/** Single-process bus, for unit tests and tools. */
export class LocalChangeBus implements ChangeBus {
  private readonly listeners: ChangeListener[] = [];

  async publish(event: ChangeEvent): Promise<void> {
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.listeners.length = 0;
  }
}
