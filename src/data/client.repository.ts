import type { Client, ClientJwks } from '../domain/clients/client';
import type { TokenExchangePolicy } from '../domain/clients/token-exchange-policy';
import type { ClientPatch, ClientStore, NewClientRecord, StoredClient } from '../domain/clients/client-store';
import type { Page, SearchablePageRequest } from '../domain/pagination';
import { ClientEntity } from '../entities/client.entity';
import type { Database } from './database';
import { definedFields } from './defined-fields';
import { containsPattern } from './like-pattern';
import { pageByCreatedAt } from './page-by-created-at';
import { storable } from './storable';
import { BULK_READ_CHUNK, chunks } from './chunks';

/** An entity (or a plain row with the entity's property names) as the domain's immutable {@link Client}; never the digest. */
const toClient = (entity: ClientEntity): Client =>
  Object.freeze({
    id: entity.id,
    tenantId: entity.tenantId,
    clientId: entity.clientId,
    name: entity.name,
    isPublic: entity.isPublic,
    redirectUris: Object.freeze([...entity.redirectUris]),
    postLogoutRedirectUris: Object.freeze([...(entity.postLogoutRedirectUris ?? [])]),
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
    requireSignedRequestObject: entity.requireSignedRequestObject,
    securityProfile: entity.securityProfile,
    enabled: entity.enabled,
    tokenEndpointAuthMethod: entity.tokenEndpointAuthMethod,
    jwks: entity.jwks === null ? null : parseJwks(entity.jwks),
    jwksUri: entity.jwksUri,
    backchannelLogoutUri: entity.backchannelLogoutUri,
    backchannelLogoutSessionRequired: entity.backchannelLogoutSessionRequired,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });

/** A stored key set, frozen like the rest of the snapshot. */
function parseJwks(text: string): ClientJwks {
  const parsed = JSON.parse(text) as { keys: Record<string, unknown>[] };
  return Object.freeze({ keys: Object.freeze(parsed.keys.map((key) => Object.freeze(key))) });
}

/**
 * A new client or a patch as entity properties: the key set as JSON text, the token
 * exchange allowance as three columns.
 */
function toRow<T extends { jwks?: ClientJwks | null; tokenExchange?: TokenExchangePolicy }>(record: T) {
  const { jwks, tokenExchange, ...rest } = record;
  return {
    ...rest,
    ...(jwks === undefined ? {} : { jwks: jwks === null ? null : JSON.stringify(jwks) }),
    ...(tokenExchange
      ? {
          tokenExchangeImpersonation: tokenExchange.impersonation,
          tokenExchangeDelegation: tokenExchange.delegation,
          tokenExchangeSubtree: tokenExchange.subtree,
        }
      : {}),
  };
}

/** An entity loaded with its (lazy) secret digest and sealed secret. */
const toStoredClient = (entity: ClientEntity): StoredClient =>
  Object.freeze({ ...toClient(entity), secretDigest: entity.secretDigest, secretSealed: entity.secretSealed });

/** {@link ClientStore} on PostgreSQL: OAuth clients, by client_id. */
export class ClientRepository implements ClientStore {
  constructor(private readonly db: Database) {}

  async findWithSecretDigest(clientId: string): Promise<StoredClient | null> {
    if (!storable(clientId)) return null;
    const entity = await this.db.em().findOne(ClientEntity, { clientId }, { populate: ['secretDigest', 'secretSealed'] });
    return entity ? toStoredClient(entity) : null;
  }

  async findManyWithSecretDigest(clientIds: readonly string[]): Promise<StoredClient[]> {
    const rows: StoredClient[] = [];
    // Outside the identity map, as tenants' findManyByPaths.
    for (const chunk of chunks(clientIds.filter(storable), BULK_READ_CHUNK)) {
      const found = await this.db
        .em()
        .find(ClientEntity, { clientId: { $in: chunk } }, { populate: ['secretDigest', 'secretSealed'], disableIdentityMap: true });
      rows.push(...found.map(toStoredClient));
    }
    return rows;
  }

  page(tenantId: string, request: SearchablePageRequest): Promise<Page<Client>> {
    const like = request.search ? { $ilike: containsPattern(request.search) } : null;
    return pageByCreatedAt(this.db.em(), ClientEntity, tenantId, request, toClient, like && { $or: [{ clientId: like }, { name: like }] });
  }

  async insert(client: NewClientRecord): Promise<Client> {
    const em = this.db.em();
    const entity = em.create(ClientEntity, definedFields(toRow(client)) as ReturnType<typeof toRow<NewClientRecord>>);
    await em.flush();
    return toClient(entity);
  }

  async insertMany(clients: readonly NewClientRecord[]): Promise<Client[]> {
    const em = this.db.em();
    // One flush: MikroORM writes the new rows in multi-row inserts (batches of its batchSize).
    const entities = clients.map((client) =>
      em.create(ClientEntity, definedFields(toRow(client)) as ReturnType<typeof toRow<NewClientRecord>>),
    );
    await em.flush();
    return entities.map(toClient);
  }

  async rekeySecretDigest(clientId: string, from: string, to: string): Promise<boolean> {
    const rows = await this.db.execute<{ client_id: string }[]>(
      'update clients set secret_digest = ? where client_id = ? and secret_digest = ? returning client_id',
      [to, clientId, from],
    );
    return rows.length > 0;
  }

  async modify(clientId: string, change: (current: StoredClient) => Promise<ClientPatch>): Promise<Client | null> {
    if (!storable(clientId)) return null;
    const em = this.db.em();
    const entity = await em.findOne(ClientEntity, { clientId }, { populate: ['secretDigest', 'secretSealed'] });
    if (!entity) return null;
    Object.assign(entity, definedFields(toRow(await change(toStoredClient(entity)))));
    await em.flush();
    return toClient(entity);
  }

  async delete(clientId: string): Promise<void> {
    await this.db.em().nativeDelete(ClientEntity, { clientId });
  }

  async exists(clientId: string): Promise<boolean> {
    if (!storable(clientId)) return false;
    return (await this.db.em().findOne(ClientEntity, { clientId }, { fields: ['id'] })) !== null;
  }
}
