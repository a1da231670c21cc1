import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Role } from '../domain/roles/role';
import { errors } from '../domain/errors';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { CreateRoleInput, UpdateRoleInput } from '../schema/inputs/role.inputs';
import { ClientType } from '../schema/types/client.type';
import { RoleType, toRoleType } from '../schema/types/role.type';
import { UserType } from '../schema/types/user.type';
import { tenantPathOf } from './tenant-path-of';

const map = async (ctx: GraphQLContext, role: Role): Promise<RoleType> => toRoleType(role, await tenantPathOf(ctx.domain, role.tenantId));

@Resolver(() => RoleType)
export class RoleResolver {
  @Query(() => RoleType, { description: '`admin` is the built-in role of the caller’s tenant.' })
  async role(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<RoleType> {
    return map(ctx, await ctx.domain.roles.get(requireActor(ctx), id));
  }

  @Query(() => [RoleType], { description: 'Roles of one tenant (default: the caller’s): the built-in `admin`, then the others by name.' })
  async roles(
    @Arg('tenantPath', () => String, { nullable: true }) tenantPath: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RoleType[]> {
    const roles = await ctx.domain.roles.list(requireActor(ctx), tenantPath);
    return Promise.all(roles.map((role) => map(ctx, role)));
  }

  @Mutation(() => RoleType)
  async createRole(@Arg('input') input: CreateRoleInput, @Ctx() ctx: GraphQLContext): Promise<RoleType> {
    return map(ctx, await ctx.domain.roles.create(requireActor(ctx), input));
  }

  @Mutation(() => RoleType, { description: 'New tokens of every holder see the change at once.' })
  async updateRole(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateRoleInput, @Ctx() ctx: GraphQLContext): Promise<RoleType> {
    return map(ctx, await ctx.domain.roles.update(requireActor(ctx), id, input));
  }

  @Mutation(() => RoleType)
  async deleteRole(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<RoleType> {
    return map(ctx, await ctx.domain.roles.delete(requireActor(ctx), id));
  }

  @Mutation(() => RoleType, {
    description:
      'Assigns a role to a user or a client (exactly one) of its tenant; `admin` sets a user’s admin flag. New tokens see it at once.',
  })
  async assignRole(
    @Arg('roleId', () => ID) roleId: string,
    @Arg('userId', () => ID, { nullable: true }) userId: string | null,
    @Arg('clientId', () => String, { nullable: true, description: 'The OAuth client_id.' }) clientId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RoleType> {
    return map(ctx, await ctx.domain.roles.assign(requireActor(ctx), roleId, { userId, clientId }));
  }

  @Mutation(() => RoleType, {
    description:
      'Takes a role from a user or a client; `admin` clears a user’s admin flag. Tokens already issued keep their scope; revoke them if needed.',
  })
  async unassignRole(
    @Arg('roleId', () => ID) roleId: string,
    @Arg('userId', () => ID, { nullable: true }) userId: string | null,
    @Arg('clientId', () => String, { nullable: true, description: 'The OAuth client_id.' }) clientId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RoleType> {
    return map(ctx, await ctx.domain.roles.unassign(requireActor(ctx), roleId, { userId, clientId }));
  }
}

@Resolver(() => UserType)
export class UserRolesResolver {
  @FieldResolver(() => [RoleType], {
    description: 'The user’s roles: the built-in `admin` when it holds the flag, then its assigned roles by name.',
  })
  async roles(@Root() user: UserType, @Ctx() ctx: GraphQLContext): Promise<RoleType[]> {
    const tenant = await ctx.domain.tenants.findByPath(user.tenantPath);
    if (!tenant) throw errors.notFound('tenant');
    const roles = await ctx.domain.roles.ofUser({ id: user.id, admin: user.admin, tenantId: tenant.id });
    return roles.map((role) => toRoleType(role, user.tenantPath));
  }
}

@Resolver(() => ClientType)
export class ClientRolesResolver {
  @FieldResolver(() => [RoleType], { description: 'The client’s roles (what its client_credentials tokens for an API may carry).' })
  async roles(@Root() client: ClientType, @Ctx() ctx: GraphQLContext): Promise<RoleType[]> {
    const found = await ctx.domain.clients.findByClientId(client.clientId);
    if (!found) return [];
    const roles = await ctx.domain.roles.ofClient(found);
    return roles.map((role) => toRoleType(role, client.tenantPath));
  }
}
