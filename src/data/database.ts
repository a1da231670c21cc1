import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Transactions } from '../domain/transactions';
import type { PreparedQueries, PreparedStatement } from './prepared-queries';
import { markIfUniqueViolation, markUniqueViolations } from './unique-violation';

/**
 * What repositories are built from: MikroORM for the unit-of-work writes and
 * admin reads, and the named prepared statements of the hot read paths (a pg
 * pool of their own). Only src/data touches either.
 *
 * Also the domain's {@link Transactions}: inside {@link run}, {@link em} and
 * {@link execute} use the transaction's EntityManager, so every repository
 * joins it without being handed one. The prepared statements ({@link sql})
 * run on their own pool and never join a transaction.
 */
export class Database implements Transactions {
  /** The transaction the current async context runs in, if any: its EntityManager and what waits for its commit. */
  private readonly transaction = new AsyncLocalStorage<{ em: EntityManager; afterCommit: (() => Promise<void>)[] }>();

  constructor(
    readonly orm: MikroORM,
    readonly sql: PreparedQueries,
  ) {
    markUniqueViolations(orm);
  }

  /** A fresh EntityManager (an identity map and unit of work of its own), or the current transaction's inside {@link run}. */
  em(): EntityManager {
    return this.transaction.getStore()?.em ?? this.orm.em.fork();
  }

  /** Runs `work` in one transaction (see {@link Transactions}); joins the current one when there is one. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.transaction.getStore()) return work();
    const afterCommit: (() => Promise<void>)[] = [];
    const result = await this.orm.em.fork().transactional((tx) => this.transaction.run({ em: tx as EntityManager, afterCommit }, work));
    // Committed: what waited for it runs outside the transaction's context.
    for (const action of afterCommit) await action();
    return result;
  }

  active(): boolean {
    return this.transaction.getStore() !== undefined;
  }

  afterCommit(action: () => Promise<void>): boolean {
    const transaction = this.transaction.getStore();
    if (!transaction) return false;
    transaction.afterCommit.push(action);
    return true;
  }

  /** One trivial round trip (readiness checks). */
  async ping(): Promise<void> {
    await this.execute('select 1');
  }

  /** PostgreSQL NOTIFY through an ordinary pooled connection (the change bus publishes with it), never inside a transaction. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.orm.em.getConnection().execute('select pg_notify(?, ?)', [channel, payload]);
  }

  /**
   * One named prepared statement (`$n` placeholders): on the prepared-statement pool outside a
   * transaction (one round trip, its own implicit transaction: no BEGIN/COMMIT of the ORM's),
   * or through {@link execute} inside the current one, so a write still joins it. A unique
   * violation is marked for the domain either way. Values must be scalars or dates (arrays go
   * as JSON text), which both paths send alike.
   */
  async rows<T>(statement: PreparedStatement, values: readonly unknown[]): Promise<T[]> {
    if (this.active()) {
      const order: unknown[] = [];
      const text = statement.text.replace(/\$(\d+)/g, (_, n: string) => {
        order.push(values[Number(n) - 1]);
        return '?';
      });
      return this.execute<T[]>(text, order);
    }
    try {
      return await this.sql.rows<T>(statement, values);
    } catch (error) {
      throw markIfUniqueViolation(error);
    }
  }

  /**
   * Raw SQL through MikroORM's pool (`?` placeholders), inside the current
   * transaction when there is one. A unique violation is marked for the
   * domain, as the ORM's own are (see unique-violation.ts).
   */
  async execute<T = unknown>(sql: string, params: readonly unknown[] = [], method: 'all' | 'get' | 'run' = 'all'): Promise<T> {
    const tx = this.transaction.getStore()?.em;
    try {
      if (tx) return (await tx.getConnection().execute(sql, params as unknown[], method, tx.getTransactionContext())) as T;
      return (await this.orm.em.getConnection().execute(sql, params as unknown[], method)) as T;
    } catch (error) {
      throw markIfUniqueViolation(error);
    }
  }
}
