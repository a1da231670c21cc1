import type { Client } from '../domain/clients/client';
import type { TokenExchangePolicy } from '../domain/clients/token-exchange-policy';
import type { ClientPatch, ClientStore, NewClientRecord, StoredClient } from '../domain/clients/client-store';
import type { Page, SearchablePageRequest } from '../domain/pagination';
import { ClientEntity } from '../entities/client.entity';
import type { Database } from './database';
import { definedFields } from './defined-fields';
import { containsPattern } from './like-pattern';
import { pageByCreatedAt } from './page-by-created-at';
import { storable } from './storable';

/** An entity (or a plain row with the entity's property names) as the domain's immutable {@link Client}; never the digest. */
const toClient = (entity: ClientEntity): Client =>
  Object.freeze({
    id: entity.id,
    tenantId: entity.tenantId,
    clientId: entity.clientId,
    name: entity.name,
    isPublic: entity.isPublic,
    redirectUris: Object.freeze([...entity.redirectUris]),
    grantTypes: Object.freeze([...entity.grantTypes]),
    allowedScopes: Object.freeze([...entity.allowedScopes]),
    firstParty: entity.firstParty,
    accessTokenLifetime: entity.accessTokenLifetime,
    refreshTokenLifetime: entity.refreshTokenLifetime,
    responseStyle: entity.responseStyle,
    tokenExchange: Object.freeze({
      impersonation: entity.tokenExchangeImpersonation,
      delegation: entity.tokenExchangeDelegation,
      subtree: entity.tokenExchangeSubtree,
    }),
    dpopBoundAccessTokens: entity.dpopBoundAccessTokens,
    requirePushedAuthorizationRequests: entity.requirePushedAuthorizationRequests,
    enabled: entity.enabled,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });

/** A new client or a patch as entity fields: the token exchange allowance is three columns. */
function toColumns<T extends { tokenExchange?: TokenExchangePolicy }>({ tokenExchange, ...rest }: T) {
  return {
    ...rest,
    ...(tokenExchange
      ? {
          tokenExchangeImpersonation: tokenExchange.impersonation,
          tokenExchangeDelegation: tokenExchange.delegation,
          tokenExchangeSubtree: tokenExchange.subtree,
        }
      : {}),
  };
}

/** An entity loaded with its (lazy) secret digest. */
const toStoredClient = (entity: ClientEntity): StoredClient => Object.freeze({ ...toClient(entity), secretDigest: entity.secretDigest });

/** {@link ClientStore} on PostgreSQL: OAuth clients, by client_id. */
export class ClientRepository implements ClientStore {
  constructor(private readonly db: Database) {}

  async findWithSecretDigest(clientId: string): Promise<StoredClient | null> {
    if (!storable(clientId)) return null;
    const entity = await this.db.em().findOne(ClientEntity, { clientId }, { populate: ['secretDigest'] });
    return entity ? toStoredClient(entity) : null;
  }

  page(tenantId: string, request: SearchablePageRequest): Promise<Page<Client>> {
    const like = request.search ? { $ilike: containsPattern(request.search) } : null;
    return pageByCreatedAt(this.db.em(), ClientEntity, tenantId, request, toClient, like && { $or: [{ clientId: like }, { name: like }] });
  }

  async insert(client: NewClientRecord): Promise<Client> {
    const em = this.db.em();
    const entity = em.create(ClientEntity, definedFields(toColumns(client)) as Omit<NewClientRecord, 'tokenExchange'>);
    await em.flush();
    return toClient(entity);
  }

  async modify(clientId: string, change: (current: StoredClient) => Promise<ClientPatch>): Promise<Client | null> {
    if (!storable(clientId)) return null;
    const em = this.db.em();
    const entity = await em.findOne(ClientEntity, { clientId }, { populate: ['secretDigest'] });
    if (!entity) return null;
    Object.assign(entity, definedFields(toColumns(await change(toStoredClient(entity)))));
    await em.flush();
    return toClient(entity);
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
