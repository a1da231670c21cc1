import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { UserType } from '../schema/types/user.type';
import type { GraphQLContext } from './graphql-context';
import { loadersOf } from './request-loaders';

/**
 * Resolvers of per-row fields without arguments, set on the built schema directly: as
 * type-graphql field resolvers they converted every row into a class instance and
 * resolved their parameters on each call (50 times per users page). They need only the
 * row and the request's loaders; the fields themselves are declared on the object types.
 */
const ROW_RESOLVERS: Record<string, Record<string, GraphQLFieldResolver<never, GraphQLContext>>> = {
  User: {
    deviceCount: (user: UserType, _args, ctx) => loadersOf(ctx).deviceCount(user),
  },
};

export function attachRowResolvers(schema: GraphQLSchema): GraphQLSchema {
  for (const [typeName, resolvers] of Object.entries(ROW_RESOLVERS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`row resolvers: ${typeName} is not an object type`);
    for (const [fieldName, resolve] of Object.entries(resolvers)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`row resolvers: ${typeName}.${fieldName} is not declared`);
      field.resolve = resolve as GraphQLFieldResolver<unknown, GraphQLContext>;
    }
  }
  return schema;
}
