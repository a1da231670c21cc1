import type { EntityManager } from '@mikro-orm/postgresql';
import { UserEntity } from '../entities/user.entity';
import type { Page, SearchablePageRequest } from '../domain/pagination';
import type { Database } from './database';
import { PreparedTenantPage } from './prepared-page';
import { storable } from './storable';
import { preparedStatement } from './prepared-queries';
import { userColumns, userFromRow, usernameKeySql, type UserRow, type UserRowWithPasswordHash } from './user-row';
import type { User } from '../domain/users/user';

const USER_BY_ID = preparedStatement('user_by_id', `select ${userColumns('u')} from users u where u.id = $1`);
/** Sign-in's lookup by username regardless of case, on the unique index `users_tenant_username_key_unique`. */
export const USER_BY_USERNAME = preparedStatement(
  'user_by_username',
  `select ${userColumns('u')}, u.password_hash from users u where u.tenant_id = $1 and ${usernameKeySql('u.username')} = ${usernameKeySql('$2::text')}`,
);
const USER_PAGE = new PreparedTenantPage<UserRow>('users', 'users', userColumns('t'), ['username', 'email', 'firstname', 'lastname']);

export type NewUser = Pick<UserEntity, 'tenantId' | 'username' | 'passwordHash'> & Partial<Pick<UserEntity, 'email' | 'phone' | 'firstname' | 'lastname' | 'admin' | 'enabled'>>;

/** End users. Entity reads for admin work; one prepared statement for the hot lookup by id. */
export class UserRepository {
  constructor(private readonly db: Database) {}

  /** The user's row by id (a uuid), one prepared round trip without entity hydration. */
  async findRowById(id: string): Promise<UserRow | null> {
    const [row] = await this.db.sql.rows<UserRow>(USER_BY_ID, [id]);
    return row ?? null;
  }

  findEntity(id: string, em: EntityManager = this.db.em()): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { id });
  }

  /**
   * The user of `tenantId` whose username equals `username` regardless of case, with its
   * password hash (for a credential check): one prepared round trip on the unique index
   * of `(tenant_id, lower(username))`.
   */
  async findRowByUsername(tenantId: string, username: string): Promise<UserRowWithPasswordHash | null> {
    if (!storable(username)) return null;
    const [row] = await this.db.sql.rows<UserRowWithPasswordHash>(USER_BY_USERNAME, [tenantId, username]);
    return row ?? null;
  }

  /**
   * A tenant's users, oldest first, with the total count, in one prepared round trip (no entity
   * hydration); `request.search` matches username, email, first or last name, case-insensitively.
   */
  page(tenantId: string, request: SearchablePageRequest): Promise<Page<User>> {
    return USER_PAGE.page(this.db.sql, tenantId, request, userFromRow);
  }

  /** Inserts a user; the returned entity is the row as stored. Unique violations propagate. */
  async insert(user: NewUser): Promise<UserEntity> {
    const em = this.db.em();
    const entity = em.create(UserEntity, user);
    await em.flush();
    return entity;
  }

  /**
   * Loads a user into a fresh unit of work, lets `change` modify it (or throw),
   * and writes the change. Null when there is no such user.
   */
  async modify(id: string, change: (entity: UserEntity) => Promise<void>): Promise<UserEntity | null> {
    const em = this.db.em();
    const entity = await this.findEntity(id, em);
    if (!entity) return null;
    await change(entity);
    await em.flush();
    return entity;
  }

  async delete(id: string): Promise<void> {
    await this.db.em().nativeDelete(UserEntity, { id });
  }

  /** Whether an enabled user `id` exists in `tenantId` (browser sessions). */
  async isEnabledIn(id: string, tenantId: string): Promise<boolean> {
    return (await this.db.em().findOne(UserEntity, { id, tenantId, enabled: true }, { fields: ['id'] })) !== null;
  }
}
