import type { SearchablePageArgs } from '../schema/inputs/searchable-page.args';
import { toClientType, type ClientConnection } from '../schema/types/client.type';
import { toUserType, type UserConnection } from '../schema/types/user.type';
import { requireActor, type GraphQLContext } from '../graphql/graphql-context';
import { mapWithTenantPaths } from './tenant-path-of';

/** `clients` of one tenant (default: the caller's), for `Query.clients` and `Tenant.clients`. */
export async function clientConnection(
  ctx: GraphQLContext,
  tenantPath: string | null,
  page: SearchablePageArgs,
): Promise<ClientConnection> {
  const result = await ctx.domain.clients.list(requireActor(ctx), tenantPath, page);
  return {
    nodes: await mapWithTenantPaths(ctx.domain, result.nodes, toClientType),
    pageInfo: { hasNextPage: result.hasNextPage, endCursor: result.endCursor },
    totalCount: result.totalCount,
  };
}

/** `users` of one tenant (default: the caller's), for `Query.users` and `Tenant.users`. */
export async function userConnection(ctx: GraphQLContext, tenantPath: string | null, page: SearchablePageArgs): Promise<UserConnection> {
  const result = await ctx.domain.users.list(requireActor(ctx), tenantPath, page);
  return {
    nodes: await mapWithTenantPaths(ctx.domain, result.nodes, toUserType),
    pageInfo: { hasNextPage: result.hasNextPage, endCursor: result.endCursor },
    totalCount: result.totalCount,
  };
}
