import type { Tenant } from '../domain/tenants/tenant';
import type { NewTenantRecord, TenantPatch, TenantStore } from '../domain/tenants/tenant-store';
import { ClientEntity } from '../entities/client.entity';
import { TenantEntity } from '../entities/tenant.entity';
import type { SecurityProfile } from '../domain/profiles/security-profiles';
import type { Database } from './database';
import { definedFields } from './defined-fields';
import { containsPattern } from './like-pattern';
import { subtreePattern } from './subtree-pattern';
import { storable } from './storable';
import { BULK_READ_CHUNK, chunks } from './chunks';

/** An entity (or a plain row with the entity's property names) as the domain's immutable {@link Tenant}. */
const toTenant = (entity: TenantEntity): Tenant =>
  Object.freeze({
    id: entity.id,
    path: entity.path,
    parentId: entity.parentId,
    name: entity.name,
    signingAlgorithm: entity.signingAlgorithm,
    allowSelfSignup: entity.allowSelfSignup,
    allowOpenClientRegistration: entity.allowOpenClientRegistration,
    requirePushedAuthorizationRequests: entity.requirePushedAuthorizationRequests,
    securityProfile: entity.securityProfile,
    mfaPolicy: entity.mfaPolicy ?? 'OPTIONAL',
    mfaRequiredRoles: Object.freeze([...(entity.mfaRequiredRoles ?? [])]),
    refreshReuseGraceSeconds: entity.refreshReuseGraceSeconds ?? 0,
    keyRotationDays: entity.keyRotationDays ?? 0,
    keyPublicationSeconds: entity.keyPublicationSeconds ?? 360,
    tokensRevokedBefore: entity.tokensRevokedBefore,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });

/** {@link TenantStore} on PostgreSQL: the tenant tree, by id and by materialised path. */
export class TenantRepository implements TenantStore {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<Tenant | null> {
    const entity = await this.db.em().findOne(TenantEntity, { id });
    return entity ? toTenant(entity) : null;
  }

  async findByPath(path: string): Promise<Tenant | null> {
    if (!storable(path)) return null;
    const entity = await this.db.em().findOne(TenantEntity, { path });
    return entity ? toTenant(entity) : null;
  }

  async findManyByPaths(paths: readonly string[]): Promise<Tenant[]> {
    const rows: Tenant[] = [];
    // Outside the identity map: a provisioning transaction reading 10,000 tenants must not make every later flush scan them.
    for (const chunk of chunks(paths.filter(storable), BULK_READ_CHUNK)) {
      const found = await this.db.em().find(TenantEntity, { path: { $in: chunk } }, { disableIdentityMap: true });
      rows.push(...found.map(toTenant));
    }
    return rows;
  }

  async listSubtree(
    path: string,
    after: string | null,
    limit: number,
    search: string | null = null,
  ): Promise<{ rows: Tenant[]; totalCount: number }> {
    const em = this.db.em();
    const subtree = path === '/' ? {} : { $or: [{ path }, { path: { $like: subtreePattern(path) } }] };
    const like = search ? { $ilike: containsPattern(search) } : null;
    const scope = like ? { $and: [subtree, { $or: [{ path: like }, { name: like }] }] } : subtree;
    const where = after ? { $and: [scope, { path: { $gt: after } }] } : scope;
    const [rows, totalCount] = await Promise.all([
      em.find(TenantEntity, where, { orderBy: { path: 'asc' }, limit }),
      em.count(TenantEntity, scope),
    ]);
    return { rows: rows.map(toTenant), totalCount };
  }

  async insert(tenant: NewTenantRecord): Promise<Tenant> {
    const em = this.db.em();
    const entity = em.create(TenantEntity, { ...tenant, mfaRequiredRoles: [...(tenant.mfaRequiredRoles ?? [])] });
    await em.flush();
    return toTenant(entity);
  }

  async insertMany(tenants: readonly NewTenantRecord[]): Promise<Tenant[]> {
    const em = this.db.em();
    // One flush: MikroORM writes the new rows in multi-row inserts (batches of its batchSize).
    const entities = tenants.map((tenant) =>
      em.create(TenantEntity, { ...tenant, mfaRequiredRoles: [...(tenant.mfaRequiredRoles ?? [])] }),
    );
    await em.flush();
    return entities.map(toTenant);
  }

  async modify(path: string, change: (current: Tenant) => TenantPatch): Promise<Tenant | null> {
    if (!storable(path)) return null;
    const em = this.db.em();
    const entity = await em.findOne(TenantEntity, { path });
    if (!entity) return null;
    const patch = definedFields<TenantPatch>(change(toTenant(entity)));
    Object.assign(entity, { ...patch, ...(patch.mfaRequiredRoles ? { mfaRequiredRoles: [...patch.mfaRequiredRoles] } : {}) });
    await em.flush();
    return toTenant(entity);
  }

  async hasClientsOfProfile(tenantId: string, profile: SecurityProfile): Promise<boolean> {
    return (await this.db.em().count(ClientEntity, { tenantId, securityProfile: profile })) > 0;
  }

  async longestAccessTokenLifetime(tenantId: string): Promise<number | null> {
    const [row] = await this.db.execute<{ max: number | null }[]>(
      'select max(access_token_lifetime) as max from clients where tenant_id = ?',
      [tenantId],
    );
    return row?.max ?? null;
  }

  async subtreeIds(path: string): Promise<string[]> {
    const rows = await this.db.em().find(TenantEntity, { path: { $like: subtreePattern(path) } }, { fields: ['id'] });
    return rows.map((row) => row.id);
  }

  /** The schema cascades to the subtree, clients, users and keys. */
  async delete(id: string): Promise<void> {
    await this.db.em().nativeDelete(TenantEntity, { id });
  }
}
