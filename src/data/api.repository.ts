import { randomUUID } from 'node:crypto';
import type { Api, ApiPermission } from '../domain/apis/api';
import type { ApiChanges, ApiStore, NewApi } from '../domain/apis/api-store';
import type { Database } from './database';

interface ApiRow {
  id: string;
  tenant_id: string;
  identifier: string;
  name: string;
  access_token_lifetime: number;
  accepts_child_tenants: boolean;
  is_default: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  permissions: ApiPermission[] | string;
}

const SELECT = `
  select a.id, a.tenant_id, a.identifier, a.name, a.access_token_lifetime, a.accepts_child_tenants, a.is_default, a.created_at, a.updated_at,
         coalesce((select json_agg(json_build_object('name', p.name, 'description', p.description) order by p.position)
                     from api_permissions p where p.api_id = a.id), '[]'::json) as permissions
    from apis a`;

const toApi = (row: ApiRow): Api => {
  const permissions = typeof row.permissions === 'string' ? (JSON.parse(row.permissions) as ApiPermission[]) : row.permissions;
  return Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    identifier: row.identifier,
    name: row.name,
    permissions: Object.freeze(permissions.map((p) => Object.freeze({ name: p.name, description: p.description }))),
    accessTokenLifetime: Number(row.access_token_lifetime),
    acceptsChildTenants: row.accepts_child_tenants,
    isDefault: row.is_default,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  });
};

const permissionsJson = (permissions: readonly ApiPermission[]): string =>
  JSON.stringify(permissions.map(({ name, description }) => ({ name, description })));

/** {@link ApiStore} on PostgreSQL: `apis` and `api_permissions` (roles reference the latter). */
export class ApiRepository implements ApiStore {
  constructor(private readonly db: Database) {}

  async listByTenant(tenantId: string): Promise<Api[]> {
    const rows = await this.db.execute<ApiRow[]>(`${SELECT} where a.tenant_id = ? order by a.identifier collate "C"`, [tenantId]);
    return rows.map(toApi);
  }

  async findById(id: string): Promise<Api | null> {
    const [row] = await this.db.execute<ApiRow[]>(`${SELECT} where a.id = ?`, [id]);
    return row ? toApi(row) : null;
  }

  async insert(api: NewApi): Promise<Api> {
    const id = randomUUID();
    return this.db.run(async () => {
      await this.db.execute(
        'insert into apis (id, tenant_id, identifier, name, access_token_lifetime, accepts_child_tenants, is_default) values (?, ?, ?, ?, ?, ?, ?)',
        [id, api.tenantId, api.identifier, api.name, api.accessTokenLifetime, api.acceptsChildTenants, api.isDefault],
        'run',
      );
      await this.writePermissions(id, api.permissions);
      return (await this.findById(id))!;
    });
  }

  async update(id: string, changes: ApiChanges): Promise<Api | null> {
    return this.db.run(async () => {
      const sets: string[] = ['updated_at = now()'];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        if (value === undefined) return;
        sets.push(`${column} = ?`);
        values.push(value);
      };
      set('identifier', changes.identifier);
      set('name', changes.name);
      set('access_token_lifetime', changes.accessTokenLifetime);
      set('accepts_child_tenants', changes.acceptsChildTenants);
      set('is_default', changes.isDefault);
      const updated = await this.db.execute<{ id: string }[]>(`update apis set ${sets.join(', ')} where id = ? returning id`, [
        ...values,
        id,
      ]);
      if (updated.length === 0) return null;
      if (changes.permissions) {
        // Removed permissions leave every role with them (role_permissions cascades).
        await this.db.execute(
          `delete from api_permissions where api_id = ? and name not in (select v->>'name' from jsonb_array_elements(?::jsonb) v)`,
          [id, permissionsJson(changes.permissions)],
          'run',
        );
        await this.writePermissions(id, changes.permissions);
      }
      return this.findById(id);
    });
  }

  async clearDefault(tenantId: string): Promise<void> {
    await this.db.execute('update apis set is_default = false, updated_at = now() where tenant_id = ? and is_default', [tenantId], 'run');
  }

  async delete(id: string): Promise<void> {
    await this.db.execute('delete from apis where id = ?', [id], 'run');
  }

  /** Inserts or updates the permissions, keeping their order. */
  private async writePermissions(apiId: string, permissions: readonly ApiPermission[]): Promise<void> {
    if (permissions.length === 0) return;
    await this.db.execute(
      `insert into api_permissions (api_id, name, description, position)
       select ?, x.v->>'name', x.v->>'description', x.ord from jsonb_array_elements(?::jsonb) with ordinality as x(v, ord)
       on conflict (api_id, name) do update set description = excluded.description, position = excluded.position`,
      [apiId, permissionsJson(permissions)],
      'run',
    );
  }
}
