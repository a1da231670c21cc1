import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { User } from '../../domain/users/user';
import { ConnectionType } from './connection';

@ObjectType('User', { simpleResolvers: true, description: 'An end user of a tenant (seed 001 profile fields).' })
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field()
  tenantPath!: string;

  @Field()
  username!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field({
    description:
      'The user opened a verification link sent to the current email (the `email_verified` claim); false again when the email changes.',
  })
  emailVerified!: boolean;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  firstname!: string | null;

  @Field(() => String, { nullable: true })
  lastname!: string | null;

  @Field()
  enabled!: boolean;

  @Field({ description: 'Holds the admin role for its tenant and subtree: a user token with scope admin then administers it.' })
  admin!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  /** Resolved per row by src/graphql/row-resolvers.ts (batched), never set on the object. */
  @Field(() => Int, {
    description: 'Number of the user’s devices, revoked ones included (as `devices(userId).totalCount`); batched per request.',
  })
  deviceCount?: number;
}

@ObjectType('UserConnection', { simpleResolvers: true, description: 'A page of users.' })
export class UserConnection extends ConnectionType(UserType) {}

export function toUserType(user: User, tenantPath: string): UserType {
  return {
    id: user.id,
    tenantPath,
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerified,
    phone: user.phone,
    firstname: user.firstname,
    lastname: user.lastname,
    enabled: user.enabled,
    admin: user.admin,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
