import { ClientEntity } from '../entities/client.entity';
import type { Page, SearchablePageRequest } from '../domain/pagination';
import type { Database } from './database';
import { containsPattern } from './like-pattern';
import { pageByCreatedAt } from './page-by-created-at';
import { storable } from './storable';

export type NewClient = Pick<ClientEntity, 'tenantId' | 'clientId' | 'name' | 'isPublic' | 'secretDigest'> & Partial<ClientEntity>;

/** OAuth clients, by client_id. */
export class ClientRepository {
  constructor(private readonly db: Database) {}

  /** The client with its secret digest (a lazy column). */
  async findWithSecretDigest(clientId: string): Promise<ClientEntity | null> {
    if (!storable(clientId)) return null;
    return this.db.em().findOne(ClientEntity, { clientId }, { populate: ['secretDigest'] });
  }

  /** A tenant's clients, oldest first; `request.search` matches client id or name, case-insensitively. */
  page<T extends { id: string; createdAt: Date }>(tenantId: string, request: SearchablePageRequest, map: (entity: ClientEntity) => T): Promise<Page<T>> {
    const like = request.search ? { $ilike: containsPattern(request.search) } : null;
    return pageByCreatedAt(this.db.em(), ClientEntity, tenantId, request, map, like && { $or: [{ clientId: like }, { name: like }] });
  }

  /** Inserts a client; unique violations propagate. */
  async insert(client: NewClient): Promise<ClientEntity> {
    const em = this.db.em();
    const entity = em.create(ClientEntity, client);
    await em.flush();
    return entity;
  }

  /** Loads a client into a fresh unit of work, lets `change` modify it (or throw), writes it; null when there is none. */
  async modify(clientId: string, change: (entity: ClientEntity) => Promise<void>): Promise<ClientEntity | null> {
    if (!storable(clientId)) return null;
    const em = this.db.em();
    const entity = await em.findOne(ClientEntity, { clientId });
    if (!entity) return null;
    await change(entity);
    await em.flush();
    return entity;
  }

  async setSecretDigest(clientId: string, secretDigest: string): Promise<void> {
    await this.db.em().nativeUpdate(ClientEntity, { clientId }, { secretDigest });
  }

  async delete(clientId: string): Promise<void> {
    await this.db.em().nativeDelete(ClientEntity, { clientId });
  }

  async exists(clientId: string): Promise<boolean> {
    if (!storable(clientId)) return false;
    return (await this.db.em().findOne(ClientEntity, { clientId }, { fields: ['id'] })) !== null;
  }
}
