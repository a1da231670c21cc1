import { decodeTimeCursor, pageSize, toPage, type Page, type SearchablePageRequest } from '../domain/pagination';
import { containsPattern } from './like-pattern';
import { preparedStatement, type PreparedQueries, type PreparedStatement } from './prepared-queries';

interface PageRow {
  /** The count of every row the filter matches; on a row with only nulls when the page is empty. */
  total_count: number;
  id: string | null;
  created_at: Date | null;
}

/**
 * A tenant's rows of `table`, oldest first by keyset on `(created_at, id)`, with the
 * total count of the same filter, in one prepared round trip. Four statements (with or
 * without a search, with or without a cursor), so each has a plan of its own; a search
 * is a case-insensitive substring of any of `searchColumns`, LIKE wildcards literal.
 */
export class PreparedTenantPage<R extends { id: string; created_at: Date }> {
  private readonly statements = new Map<string, PreparedStatement>();

  constructor(
    private readonly name: string,
    private readonly table: string,
    private readonly columns: string,
    private readonly searchColumns: readonly string[],
  ) {}

  async page<T extends { id: string; createdAt: Date }>(
    sql: PreparedQueries,
    tenantId: string,
    request: SearchablePageRequest,
    map: (row: R) => T,
  ): Promise<Page<T>> {
    const size = pageSize(request);
    const values: unknown[] = [tenantId, size + 1];
    if (request.search) values.push(containsPattern(request.search));
    if (request.after) {
      const [at, id] = decodeTimeCursor(request.after);
      values.push(at, id);
    }
    const rows = await sql.rows<PageRow & R>(this.statement(Boolean(request.search), Boolean(request.after)), values);
    const found = rows.filter((row) => row.id !== null) as R[];
    return toPage(found.map(map), size, rows[0]?.total_count ?? 0, (node) => [node.createdAt.toISOString(), node.id]);
  }

  private statement(search: boolean, after: boolean): PreparedStatement {
    const key = `${search ? 's' : ''}${after ? 'a' : ''}`;
    let statement = this.statements.get(key);
    if (!statement) {
      const filter = search ? ` and (${this.searchColumns.map((column) => `t.${column} ilike $3`).join(' or ')})` : '';
      const cursor = after ? ` and (t.created_at, t.id) > ($${search ? 4 : 3}::timestamptz, $${search ? 5 : 4}::uuid)` : '';
      statement = preparedStatement(
        `${this.name}_page_${key || 'first'}`,
        `select n.total_count, p.* from (select count(*)::int as total_count from ${this.table} t where t.tenant_id = $1${filter}) n
         left join lateral (select ${this.columns} from ${this.table} t where t.tenant_id = $1${filter}${cursor} order by t.created_at, t.id limit $2) p on true`,
      );
      this.statements.set(key, statement);
    }
    return statement;
  }
}
