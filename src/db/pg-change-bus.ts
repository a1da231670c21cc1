import { Client } from 'pg';
import type { ChangeBus, ChangeBusState, ChangeEvent, ChangeListener } from '../domain/changes/change-bus';

const CHANNEL = 'idp_changes';
/** The LISTEN connection's `application_name`, so operators (and tests) can find it in pg_stat_activity. */
export const CHANGE_BUS_APPLICATION_NAME = 'idp-change-bus';
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5_000;

export interface PgChangeBusOptions {
  url: string;
  /** Sends a notification through an ordinary pooled connection (`select pg_notify($1, $2)`), never the listening one. */
  notify(channel: string, payload: string): Promise<void>;
  log: {
    warn(object: object, message: string): void;
    info(object: object, message: string): void;
  };
}

/**
 * Change bus over PostgreSQL LISTEN/NOTIFY: every server process (every worker,
 * every host) sharing the database hears every change. The publisher's own
 * listeners fire locally at once, so a write is visible to its own next read
 * even before the notification round-trips.
 *
 * The LISTEN connection is only for listening. When it drops (backend
 * terminated, PostgreSQL restart or failover) the bus reports `disconnected`,
 * reconnects with backoff, and once listening again tells every resync
 * listener to flush its cache: notifications sent during the gap are lost, so
 * nothing cached before it can be trusted.
 */
export class PgChangeBus implements ChangeBus {
  private readonly listeners: ChangeListener[] = [];
  private readonly resyncListeners: (() => void)[] = [];
  private client: Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;
  private current: ChangeBusState = 'connecting';

  private constructor(private readonly options: PgChangeBusOptions) {}

  /** Connects and listens; fails when the database cannot be reached at start. */
  static async connect(options: PgChangeBusOptions): Promise<PgChangeBus> {
    const bus = new PgChangeBus(options);
    await bus.listen();
    return bus;
  }

  get state(): ChangeBusState {
    return this.current;
  }

  /** The PostgreSQL backend pid of the listening connection (pg_stat_activity.pid); null while disconnected. */
  get backendPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  get live(): boolean {
    return this.current === 'connected';
  }

  /**
   * Applies the change here, then tells the other processes. Publishing
   * follows a committed write, so a failure to notify never fails the caller
   * (that would answer an error for a write that happened, and lose e.g. a
   * new client secret): it is logged, and the other processes' caches catch
   * up by their TTL, or by a resync if their listening connection dropped too.
   */
  async publish(event: ChangeEvent): Promise<void> {
    this.emit(event);
    try {
      await this.options.notify(CHANNEL, JSON.stringify(event));
    } catch (error) {
      this.options.log.warn(
        { err: error, topic: event.topic, kind: event.kind },
        'change bus: a change was applied but could not be published; other processes see it when their cache entry expires',
      );
    }
  }

  replay(event: ChangeEvent): void {
    this.emit(event);
  }

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  onResync(listener: () => void): void {
    this.resyncListeners.push(listener);
  }

  async close(): Promise<void> {
    this.current = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.url, application_name: CHANGE_BUS_APPLICATION_NAME });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        this.emit(JSON.parse(message.payload) as ChangeEvent);
      } catch (error) {
        this.options.log.warn({ err: error }, 'change bus: unreadable notification');
      }
    });
    // Lost before it is ours (between connect and adoption): remembered, and the attempt fails.
    let lostEarly = false;
    client.on('error', (error) => {
      lostEarly = true;
      this.lost(client, error);
    });
    client.on('end', () => {
      lostEarly = true;
      this.lost(client, null);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      if (lostEarly) throw new Error('change bus: connection lost while subscribing');
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.current === 'closed') {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.current = 'resyncing';
    for (const listener of this.resyncListeners) this.safely(listener);
    this.current = 'connected';
    this.retryMs = FIRST_RETRY_MS;
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== client || this.current === 'closed') return;
    this.client = null;
    this.current = 'disconnected';
    this.options.log.warn({ err: error ?? undefined }, 'change bus: listening connection lost; caches bypassed until it is back');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.current === 'closed' || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.listen().then(
        () => {
          if (this.current === 'connected') this.options.log.info({}, 'change bus: listening again; caches flushed');
        },
        (error: unknown) => {
          this.options.log.warn({ err: error, retryInMs: this.retryMs }, 'change bus: reconnect failed');
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.retryTimer.unref();
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) this.safely(() => listener(event));
  }

  private safely(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.options.log.warn({ err: error }, 'change bus listener failed');
    }
  }
}
