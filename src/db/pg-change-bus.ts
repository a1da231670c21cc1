import { Client } from 'pg';
import type { ChangeBus, ChangeEvent, ChangeListener } from '../domain/cache/change-bus';

const CHANNEL = 'idp_changes';

/**
 * Change bus over PostgreSQL LISTEN/NOTIFY: every server process (every worker,
 * every host) sharing the database hears every change. The publisher's own
 * listener fires locally at once, so a write is visible to its own next read
 * even before the notification round-trips.
 */
export class PgChangeBus implements ChangeBus {
  private readonly listeners: ChangeListener[] = [];
  private readonly client: Client;
  private closed = false;

  private constructor(url: string, private readonly onError: (error: unknown) => void) {
    this.client = new Client({ connectionString: url });
  }

  static async connect(url: string, onError: (error: unknown) => void = () => {}): Promise<PgChangeBus> {
    const bus = new PgChangeBus(url, onError);
    bus.client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        bus.emit(JSON.parse(message.payload) as ChangeEvent);
      } catch (error) {
        onError(error);
      }
    });
    bus.client.on('error', (error) => {
      if (!bus.closed) onError(error);
    });
    await bus.client.connect();
    await bus.client.query(`listen ${CHANNEL}`);
    return bus;
  }

  async publish(event: ChangeEvent): Promise<void> {
    this.emit(event);
    await this.client.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(event)]);
  }

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.end().catch(() => undefined);
  }

  private emit(event: ChangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
