import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { GraphQLContext } from './graphql-context';

type Resolver = GraphQLFieldResolver<unknown, GraphQLContext>;

/** `middleware` around `resolve`, with type-graphql's middleware contract (`next()` runs the resolver once). */
function around(middleware: MiddlewareFn<GraphQLContext>, resolve: Resolver): Resolver {
  return (root, args, context, info) => {
    let nextResult: unknown;
    const result = middleware({ root, args, context, info }, async () => (nextResult = await resolve(root, args, context, info)));
    return result instanceof Promise
      ? result.then((value: unknown) => (value !== undefined ? value : nextResult))
      : result !== undefined
        ? result
        : nextResult;
  };
}

/**
 * Applies the schema-wide middlewares only to the fields they concern: `argumentGuards`
 * to every field that takes arguments (at any depth, e.g. `Tenant.clients(search)`), and
 * `mutationMiddlewares` to the root mutations. type-graphql's `globalMiddlewares` would wrap
 * every field resolver of every row in an async chain (50 × `User.deviceCount` in a
 * dashboard), where these middlewares had nothing to do. The outermost middleware comes
 * first, as in `globalMiddlewares`; a field without arguments or resolver is left alone.
 */
export function guardFields(
  schema: GraphQLSchema,
  argumentGuards: MiddlewareFn<GraphQLContext>[],
  mutationMiddlewares: MiddlewareFn<GraphQLContext>[],
): GraphQLSchema {
  const mutation = schema.getMutationType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!field.resolve) continue;
      const chain = [...(field.args.length > 0 ? argumentGuards : []), ...(type === mutation ? mutationMiddlewares : [])];
      let resolve = field.resolve as Resolver;
      for (const middleware of chain.reverse()) resolve = around(middleware, resolve);
      field.resolve = resolve;
    }
  }
  return schema;
}
