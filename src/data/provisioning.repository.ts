import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { usernameKey } from '../domain/users/username-key';
import { ClientEntity } from '../entities/client.entity';
import { TenantEntity } from '../entities/tenant.entity';
import { UserEntity } from '../entities/user.entity';
import type { NewClient } from './client.repository';
import type { Database } from './database';
import { usernameKeySql } from './user-row';

type NewTenant = Pick<TenantEntity, 'path' | 'parentId' | 'name' | 'signingAlgorithm' | 'allowSelfSignup'>;
type NewUser = Pick<UserEntity, 'tenantId' | 'username' | 'passwordHash'> & Partial<UserEntity>;

/**
 * One provisioning transaction: reads by natural key, new rows, and changes to
 * loaded rows, all written by `flush()` inside the same database transaction.
 */
export class ProvisioningTransaction {
  constructor(private readonly em: EntityManager) {}

  tenantByPath(path: string): Promise<TenantEntity | null> {
    return this.em.findOne(TenantEntity, { path });
  }

  /** The client with its secret digest (a lazy column). */
  clientById(clientId: string): Promise<ClientEntity | null> {
    return this.em.findOne(ClientEntity, { clientId }, { populate: ['secretDigest'] });
  }

  /** The user whose username equals `username` regardless of case (on the unique index), with its password hash (a lazy column). */
  userByName(tenantId: string, username: string): Promise<UserEntity | null> {
    return this.em.findOne(UserEntity, { tenantId, [raw((alias: string) => usernameKeySql(`${alias}.username`))]: usernameKey(username) }, { populate: ['passwordHash'] });
  }

  addTenant(tenant: NewTenant): TenantEntity {
    return this.em.create(TenantEntity, tenant);
  }

  addClient(client: NewClient): ClientEntity {
    return this.em.create(ClientEntity, client);
  }

  addUser(user: NewUser): UserEntity {
    return this.em.create(UserEntity, user);
  }

  /** Writes what changed so far; unique violations propagate. */
  async flush(): Promise<void> {
    await this.em.flush();
  }
}

/** Provisioning files are applied in one transaction: all of it or nothing. */
export class ProvisioningRepository {
  constructor(private readonly db: Database) {}

  transaction<T>(work: (tx: ProvisioningTransaction) => Promise<T>): Promise<T> {
    return this.db.em().transactional((em) => work(new ProvisioningTransaction(em as EntityManager)));
  }
}
