import { randomUUID } from 'node:crypto';
import type { Role, RolePermission, RoleSubject } from '../domain/roles/role';
import type { NewRole, RoleStore, StoredRolePermission } from '../domain/roles/role-store';
import type { Database } from './database';

interface RoleRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  created_at: Date | string;
  updated_at: Date | string;
  permissions: { apiId: string; api: string; permission: string }[] | string;
}

const SELECT = `
  select r.id, r.tenant_id, r.name, r.description, r.created_at, r.updated_at,
         coalesce((select json_agg(json_build_object('apiId', a.id, 'api', a.identifier, 'permission', rp.permission) order by a.identifier collate "C", rp.permission collate "C")
                     from role_permissions rp join apis a on a.id = rp.api_id where rp.role_id = r.id), '[]'::json) as permissions
    from roles r`;

const toRole = (row: RoleRow): Role => {
  const permissions = typeof row.permissions === 'string' ? (JSON.parse(row.permissions) as RolePermission[]) : row.permissions;
  return Object.freeze({
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    permissions: Object.freeze(permissions.map((p) => Object.freeze({ apiId: p.apiId, api: p.api, permission: p.permission }))),
    builtIn: false,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  });
};

const column = (subject: RoleSubject): string => (subject.kind === 'user' ? 'user_id' : 'client_id');

/** {@link RoleStore} on PostgreSQL: `roles`, `role_permissions`, `role_assignments`. */
export class RoleRepository implements RoleStore {
  constructor(private readonly db: Database) {}

  async listByTenant(tenantId: string): Promise<Role[]> {
    const rows = await this.db.execute<RoleRow[]>(`${SELECT} where r.tenant_id = ? order by r.name collate "C"`, [tenantId]);
    return rows.map(toRole);
  }

  async findById(id: string): Promise<Role | null> {
    const [row] = await this.db.execute<RoleRow[]>(`${SELECT} where r.id = ?`, [id]);
    return row ? toRole(row) : null;
  }

  async insert(role: NewRole): Promise<Role> {
    const id = randomUUID();
    await this.db.execute(
      'insert into roles (id, tenant_id, name, description) values (?, ?, ?, ?)',
      [id, role.tenantId, role.name, role.description],
      'run',
    );
    return (await this.findById(id))!;
  }

  async update(id: string, changes: { name?: string; description?: string }): Promise<Role | null> {
    const updated = await this.db.execute<{ id: string }[]>(
      'update roles set name = coalesce(?, name), description = coalesce(?, description), updated_at = now() where id = ? returning id',
      [changes.name ?? null, changes.description ?? null, id],
    );
    return updated.length === 0 ? null : this.findById(id);
  }

  async setPermissions(roleId: string, permissions: readonly StoredRolePermission[]): Promise<void> {
    await this.db.run(async () => {
      await this.db.execute('delete from role_permissions where role_id = ?', [roleId], 'run');
      if (permissions.length === 0) return;
      await this.db.execute(
        `insert into role_permissions (role_id, api_id, permission)
         select ?, (v->>'apiId')::uuid, v->>'permission' from jsonb_array_elements(?::jsonb) v
         on conflict do nothing`,
        [roleId, JSON.stringify(permissions.map(({ apiId, permission }) => ({ apiId, permission })))],
        'run',
      );
      await this.db.execute('update roles set updated_at = now() where id = ?', [roleId], 'run');
    });
  }

  async delete(id: string): Promise<void> {
    await this.db.execute('delete from roles where id = ?', [id], 'run');
  }

  async assign(roleId: string, subject: RoleSubject): Promise<void> {
    await this.db.execute(
      `insert into role_assignments (role_id, ${column(subject)}) values (?, ?) on conflict (${column(subject)}, role_id) where ${column(subject)} is not null do nothing`,
      [roleId, subject.id],
      'run',
    );
  }

  async unassign(roleId: string, subject: RoleSubject): Promise<boolean> {
    const removed = await this.db.execute<{ role_id: string }[]>(
      `delete from role_assignments where role_id = ? and ${column(subject)} = ? returning role_id`,
      [roleId, subject.id],
    );
    return removed.length > 0;
  }

  async rolesOf(subject: RoleSubject): Promise<Role[]> {
    const rows = await this.db.execute<RoleRow[]>(
      `${SELECT} where r.id in (select ra.role_id from role_assignments ra where ra.${column(subject)} = ?) order by r.name collate "C"`,
      [subject.id],
    );
    return rows.map(toRole);
  }

  async grantsOf(subject: RoleSubject): Promise<StoredRolePermission[]> {
    const rows = await this.db.execute<{ api_id: string; permission: string }[]>(
      `select distinct rp.api_id, rp.permission from role_assignments ra join role_permissions rp on rp.role_id = ra.role_id where ra.${column(subject)} = ?`,
      [subject.id],
    );
    return rows.map((row) => ({ apiId: row.api_id, permission: row.permission }));
  }
}
