import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * An end user of one tenant; usernames are unique within the tenant regardless of case
 * (`usernameKey`, migration 20261206030000) and keep the case they were created with.
 */
@Entity({ tableName: 'users' })
@Unique({
  name: 'users_tenant_username_key_unique',
  expression: 'create unique index users_tenant_username_key_unique on users (tenant_id, lower(username collate "C"))',
})
export class UserEntity {
  [OptionalProps]?: 'email' | 'emailVerified' | 'phone' | 'firstname' | 'lastname' | 'enabled' | 'admin' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  @Index()
  tenantId!: string;

  @Property({ type: 'text' })
  username!: string;

  @Property({ type: 'text', nullable: true })
  email: string | null = null;

  @Property({ type: 'boolean', fieldName: 'email_verified' })
  emailVerified = false;

  @Property({ type: 'text', nullable: true })
  phone: string | null = null;

  @Property({ type: 'text', nullable: true })
  firstname: string | null = null;

  @Property({ type: 'text', nullable: true })
  lastname: string | null = null;

  /** argon2id PHC string. */
  @Property({ type: 'text', lazy: true })
  passwordHash!: string;

  @Property({ type: 'boolean' })
  enabled = true;

  /** Holds the admin role for its own tenant and subtree (a user token with scope `admin` then administers it). */
  @Property({ type: 'boolean' })
  admin = false;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
