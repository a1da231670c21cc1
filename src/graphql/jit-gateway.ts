import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  execute,
  GraphQLError,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
} from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import type * as GraphqlJit from 'graphql-jit';
import type { GraphQLContext } from './graphql-context';
import { tracing } from '../ops/trace-hooks';

type Gateway = ApolloServerOptionsWithGateway<GraphQLContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/**
 * graphql-jit reports errors with a look-alike of graphql-js's `GraphQLError` whose
 * properties are read-only (graphql-armor's error masking then fails on them): each is
 * rebuilt as a real one with the same message, locations, path and original error, which
 * is what Apollo's `unwrapResolverError` and our error table read.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const converted = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  (converted as { locations: readonly SourceLocation[] | undefined }).locations = error.locations;
  return converted;
}

/**
 * Apollo Server's documented seam for a custom executor (the `gateway` option: Apollo
 * still parses, validates with our rules, builds the context, formats errors and runs
 * plugins; only execution is ours). Queries run as graphql-jit functions compiled once
 * per parsed document, from its second use on (Apollo's document store hands back the
 * same DocumentNode for the same text); a document's first execution, mutations, and
 * any document jit cannot compile run on graphql-js. The
 * schema's own resolvers run in both, so authorisation, the string guard and the audit
 * of mutations are the same code either way.
 */
export function jitGateway(schema: GraphQLSchema): Gateway {
  // Per document and operation: `seen once` (run on graphql-js), the compiled query, or null (jit cannot).
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null | 'seen once'>>();
  // graphql-jit (with fast-json-stringify and ajv, ~250 modules) is loaded at the first document that comes back, not at start.
  let jit: Promise<typeof GraphqlJit> | undefined;
  const compile = async (document: DocumentNode, operationName: string | null): Promise<CompiledQuery | null> => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    const key = operationName ?? '';
    const known = byName.get(key);
    // Compiling costs more than one execution: a document is compiled when it comes back
    // (the console's and the SDK's do, on every request), never for a one-off text.
    if (known === undefined) {
      byName.set(key, 'seen once');
      return null;
    }
    if (known !== 'seen once') return known;
    const { compileQuery, isCompiledQuery } = await (jit ??= import('graphql-jit') as unknown as Promise<typeof GraphqlJit>);
    const result = compileQuery(schema, document, operationName ?? undefined);
    const query = isCompiledQuery(result) ? result : null;
    byName.set(key, query);
    return query;
  };

  const executor: Executor = async ({ document, operation, operationName, request, context }) => {
    const viaGraphqlJs = () =>
      execute({ schema, document, operationName, contextValue: context, variableValues: request.variables }) as Promise<ExecutionResult>;
    const query = operation.operation === 'query' ? await compile(document, operationName) : null;
    if (!query) return viaGraphqlJs();
    const viaJit = async (): Promise<ExecutionResult> => {
      const result = await query.query(undefined, context, request.variables ?? {});
      // No data means the variables were refused before any resolver ran: graphql-js answers
      // those, so the errors (and Apollo's 400 for them) stay exactly as without jit.
      if (result.data === undefined) return viaGraphqlJs();
      return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
    };
    // graphql-js's instrumentation sees its own executions only: tracing wraps jit's in the same kind of operation span.
    const hooks = tracing.hooks;
    return hooks ? hooks.graphqlOperation(operation.operation, operationName, viaJit) : viaJit();
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    load: async () => ({ executor }),
    stop: async () => {},
  };
}
