import type { ClientEntity } from '../../entities/client.entity';

/** Immutable snapshot of a client, as cached for the token path. Never carries the secret digest. */
export interface Client {
  readonly id: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly name: string;
  readonly isPublic: boolean;
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly allowedScopes: readonly string[];
  readonly firstParty: boolean;
  readonly accessTokenLifetime: number;
  readonly refreshTokenLifetime: number;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const toClient = (entity: ClientEntity): Client =>
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
    enabled: entity.enabled,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });
