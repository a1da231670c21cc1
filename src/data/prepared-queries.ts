/**
 * A named SQL statement. PostgreSQL parses and plans it once per connection
 * and reuses the plan on every later execution (extended query protocol), so
 * the hot read paths pay neither the ORM's query building nor re-planning.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
  /**
   * For a statement with a server-side twin (a PL/pgSQL function of the statement's name whose body
   * is `text`, created by a migration): the call of that function, `select * from name($1, …)`.
   * Behind a transaction-pooling proxy no named statement survives its transaction, so `text` would be
   * parsed and planned on every use; the function's plan is cached by each server connection instead,
   * and the call itself is trivial to parse and plan. Null for a statement without a twin.
   */
  readonly serverCall: string | null;
}

/** Hot-path reads outside the ORM: named prepared statements on a small pool. */
export interface PreparedQueries {
  rows<T>(statement: PreparedStatement, values: readonly unknown[]): Promise<T[]>;
}

/**
 * Declares a statement once, at module level; names must be unique in the process. With `serverFunction`,
 * a migration has created the PL/pgSQL function `name` with `text` as its `return query` (the same
 * `$n` parameters, `#variable_conflict use_column`): keep the two in step (a new migration replaces the
 * function whenever `text` changes; tests/integration/pgbouncer.test.ts compares them).
 */
export function preparedStatement(name: string, text: string, options: { serverFunction?: boolean } = {}): PreparedStatement {
  const normalized = text.replace(/\s+/g, ' ').trim();
  const parameters = Math.max(0, ...[...normalized.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
  const serverCall = options.serverFunction
    ? `select * from ${name}(${Array.from({ length: parameters }, (_, i) => `$${i + 1}`).join(', ')})`
    : null;
  return Object.freeze({ name, text: normalized, serverCall });
}
