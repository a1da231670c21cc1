import DataLoader from 'dataloader';
import { requireActor, type ContextLoaders, type GraphQLContext } from './graphql-context';

interface UserKey {
  id: string;
  tenantPath: string;
}

/**
 * DataLoaders of one GraphQL request: a nested field asked for on every row of a
 * page (`users { nodes { deviceCount } }`) is loaded with one query for the page,
 * not one per row. Created on first use and kept on the request's context only,
 * so nothing is cached across requests or callers.
 */
class RequestLoaders implements ContextLoaders {
  private deviceCountLoader?: DataLoader<UserKey, number, string>;

  constructor(private readonly ctx: GraphQLContext) {}

  /** Device count of a user the caller has already been allowed to see. */
  deviceCount(user: UserKey): Promise<number> {
    this.deviceCountLoader ??= new DataLoader(
      (users: readonly UserKey[]) => this.ctx.domain.devices.countForUsers(requireActor(this.ctx), users),
      {
        cacheKeyFn: (user) => user.id,
      },
    );
    return this.deviceCountLoader.load(user);
  }
}

/** The request's loaders, created with the first nested field that needs one. */
export function loadersOf(ctx: GraphQLContext): ContextLoaders {
  ctx.loaders ??= new RequestLoaders(ctx);
  return ctx.loaders;
}
