import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { SearchablePageArgs } from '../schema/inputs/searchable-page.args';
import { ClientConnection } from '../schema/types/client.type';
import { TenantType } from '../schema/types/tenant.type';
import { UserConnection } from '../schema/types/user.type';
import type { GraphQLContext } from '../graphql/graphql-context';
import { clientConnection, userConnection } from './list-connections';

/** A tenant's own clients and users, so one document can fetch a tenant's dashboard; the same rules as `clients` and `users`. */
@Resolver(() => TenantType)
export class TenantListsResolver {
  @FieldResolver(() => ClientConnection, { description: 'The tenant’s clients, oldest first (as `clients(tenantPath)`).' })
  clients(@Root() tenant: TenantType, @Args() page: SearchablePageArgs, @Ctx() ctx: GraphQLContext): Promise<ClientConnection> {
    return clientConnection(ctx, tenant.path, page);
  }

  @FieldResolver(() => UserConnection, { description: 'The tenant’s users, oldest first (as `users(tenantPath)`).' })
  users(@Root() tenant: TenantType, @Args() page: SearchablePageArgs, @Ctx() ctx: GraphQLContext): Promise<UserConnection> {
    return userConnection(ctx, tenant.path, page);
  }
}
