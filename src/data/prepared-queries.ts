/**
 * A named SQL statement. PostgreSQL parses and plans it once per connection
 * and reuses the plan on every later execution (extended query protocol), so
 * the hot read paths pay neither the ORM's query building nor re-planning.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** Hot-path reads outside the ORM: named prepared statements on a small pool. */
export interface PreparedQueries {
  rows<T>(statement: PreparedStatement, values: readonly unknown[]): Promise<T[]>;
}

/** Declares a statement once, at module level; names must be unique in the process. */
export function preparedStatement(name: string, text: string): PreparedStatement {
  return Object.freeze({ name, text: text.replace(/\s+/g, ' ').trim() });
}
