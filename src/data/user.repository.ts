import type { EntityManager } from '@mikro-orm/postgresql';
import { UserEntity } from '../entities/user.entity';
import type { Page, SearchablePageRequest } from '../domain/pagination';
import type { User } from '../domain/users/user';
import type { NewUser, UserChanges, UserCredentials, UserStore } from '../domain/users/user-store';
import type { Database } from './database';
import { PreparedTenantPage } from './prepared-page';
import { storable } from './storable';
import { preparedStatement } from './prepared-queries';
import { userColumns, userFromRow, usernameKeySql, type UserRow, type UserRowWithPasswordHash } from './user-row';

const USER_BY_ID = preparedStatement('user_by_id', `select ${userColumns('u')} from users u where u.id = $1`);
/** Sign-in's lookup by username regardless of case, on the unique index `users_tenant_username_key_unique`. */
export const USER_BY_USERNAME = preparedStatement(
  'user_by_username',
  `select ${userColumns('u')}, u.password_hash from users u where u.tenant_id = $1 and ${usernameKeySql('u.username')} = ${usernameKeySql('$2::text')}`,
);
const USER_PAGE = new PreparedTenantPage<UserRow>('users', 'users', userColumns('t'), ['username', 'email', 'firstname', 'lastname']);

/** The domain's {@link User} of a loaded entity (never its password hash). */
const userFromEntity = (entity: UserEntity): User =>
  Object.freeze({
    id: entity.id,
    tenantId: entity.tenantId,
    username: entity.username,
    email: entity.email,
    emailVerified: entity.emailVerified,
    phone: entity.phone,
    firstname: entity.firstname,
    lastname: entity.lastname,
    enabled: entity.enabled,
    admin: entity.admin,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });

/** End users. Entity reads and writes for admin work; prepared statements for the hot lookups. */
export class UserRepository implements UserStore {
  constructor(private readonly db: Database) {}

  /** The user by id (a uuid), one prepared round trip without entity hydration. */
  async findById(id: string): Promise<User | null> {
    const [row] = await this.db.sql.rows<UserRow>(USER_BY_ID, [id]);
    return row ? userFromRow(row) : null;
  }

  async load(id: string): Promise<User | null> {
    const entity = await this.findEntity(id, this.db.em());
    return entity ? userFromEntity(entity) : null;
  }

  private findEntity(id: string, em: EntityManager): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { id });
  }

  /**
   * The user of `tenantId` whose username equals `username` regardless of case, with its
   * password hash (for a credential check): one prepared round trip on the unique index
   * of `(tenant_id, lower(username))`.
   */
  async findCredentials(tenantId: string, username: string): Promise<UserCredentials | null> {
    if (!storable(username)) return null;
    const [row] = await this.db.sql.rows<UserRowWithPasswordHash>(USER_BY_USERNAME, [tenantId, username]);
    return row ? { user: userFromRow(row), passwordHash: row.password_hash } : null;
  }

  /**
   * A tenant's users, oldest first, with the total count, in one prepared round trip (no entity
   * hydration); `request.search` matches username, email, first or last name, case-insensitively.
   */
  page(tenantId: string, request: SearchablePageRequest): Promise<Page<User>> {
    return USER_PAGE.page(this.db.sql, tenantId, request, userFromRow);
  }

  /** Inserts a user; returns the row as stored. Unique violations propagate. */
  async insert(user: NewUser): Promise<User> {
    const em = this.db.em();
    const entity = em.create(UserEntity, user);
    await em.flush();
    return userFromEntity(entity);
  }

  /**
   * Loads a user into a fresh unit of work (or the current transaction's), asks `change`
   * for the changes given the user as loaded (it may throw), and writes them. Null when
   * there is no such user.
   */
  async modify(id: string, change: (current: User) => Promise<UserChanges>): Promise<User | null> {
    const em = this.db.em();
    const entity = await this.findEntity(id, em);
    if (!entity) return null;
    Object.assign(entity, await change(userFromEntity(entity)));
    await em.flush();
    return userFromEntity(entity);
  }

  async findForRecovery(tenantId: string, identifier: string, limit: number): Promise<User[]> {
    if (!storable(identifier)) return [];
    const rows = await this.db.execute<UserRow[]>(
      `select ${userColumns('u')} from users u where u.tenant_id = ?
         and (${usernameKeySql('u.username')} = ${usernameKeySql('?::text')} or lower(u.email) = lower(?::text))
       order by u.created_at limit ?`,
      [tenantId, identifier, identifier, limit],
    );
    return rows.map(userFromRow);
  }

  async delete(id: string): Promise<void> {
    await this.db.em().nativeDelete(UserEntity, { id });
  }
}
