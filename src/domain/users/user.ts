import type { UserEntity } from '../../entities/user.entity';

/** A user as the domain hands it out; never carries the password hash. */
export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly username: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly firstname: string | null;
  readonly lastname: string | null;
  readonly enabled: boolean;
  /** Holds the admin role for its own tenant and subtree. */
  readonly admin: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const toUser = (entity: UserEntity): User =>
  Object.freeze({
    id: entity.id,
    tenantId: entity.tenantId,
    username: entity.username,
    email: entity.email,
    phone: entity.phone,
    firstname: entity.firstname,
    lastname: entity.lastname,
    enabled: entity.enabled,
    admin: entity.admin,
    createdAt: entity.createdAt,
    updatedAt: entity.updatedAt,
  });
