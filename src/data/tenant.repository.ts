import { TenantEntity } from '../entities/tenant.entity';
import type { Database } from './database';
import { containsPattern } from './like-pattern';
import { subtreePattern } from './subtree-pattern';
import { storable } from './storable';

export type NewTenant = Pick<TenantEntity, 'path' | 'parentId' | 'name' | 'signingAlgorithm' | 'allowSelfSignup'>;

/** The tenant tree, by id and by materialised path. */
export class TenantRepository {
  constructor(private readonly db: Database) {}

  findById(id: string): Promise<TenantEntity | null> {
    return this.db.em().findOne(TenantEntity, { id });
  }

  async findByPath(path: string): Promise<TenantEntity | null> {
    if (!storable(path)) return null;
    return this.db.em().findOne(TenantEntity, { path });
  }

  /**
   * `path` and its subtree in path order, after `after` (a path), at most `limit`; with the total count.
   * `search` (case-insensitive substring of path or name) narrows both.
   */
  async listSubtree(path: string, after: string | null, limit: number, search: string | null = null): Promise<{ rows: TenantEntity[]; totalCount: number }> {
    const em = this.db.em();
    const subtree = path === '/' ? {} : { $or: [{ path }, { path: { $like: subtreePattern(path) } }] };
    const like = search ? { $ilike: containsPattern(search) } : null;
    const scope = like ? { $and: [subtree, { $or: [{ path: like }, { name: like }] }] } : subtree;
    const where = after ? { $and: [scope, { path: { $gt: after } }] } : scope;
    const [rows, totalCount] = await Promise.all([em.find(TenantEntity, where, { orderBy: { path: 'asc' }, limit }), em.count(TenantEntity, scope)]);
    return { rows, totalCount };
  }

  /** Inserts a tenant; unique violations propagate. */
  async insert(tenant: NewTenant): Promise<TenantEntity> {
    const em = this.db.em();
    const entity = em.create(TenantEntity, tenant);
    await em.flush();
    return entity;
  }

  /** Loads the tenant at `path` into a fresh unit of work, applies `change`, writes it; null when there is none. */
  async modify(path: string, change: (entity: TenantEntity) => void): Promise<TenantEntity | null> {
    const em = this.db.em();
    const entity = await em.findOne(TenantEntity, { path });
    if (!entity) return null;
    change(entity);
    await em.flush();
    return entity;
  }

  /** Ids of the strict descendants of `path`. */
  async subtreeIds(path: string): Promise<string[]> {
    const rows = await this.db.em().find(TenantEntity, { path: { $like: subtreePattern(path) } }, { fields: ['id'] });
    return rows.map((row) => row.id);
  }

  /** Deletes a tenant; the schema cascades to its subtree, clients, users and keys. */
  async delete(id: string): Promise<void> {
    await this.db.em().nativeDelete(TenantEntity, { id });
  }
}
