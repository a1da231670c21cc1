import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request } from 'express';
import type { Domain } from '../domain/create-domain';
import { errors } from '../domain/errors';
import { actorFromClaims } from '../domain/tokens/access-token.service';
import { buildAdminSchema } from '../schema/build-schema';
import { formatGraphQLError } from './format-graphql-error';
import { graphqlBodyErrorHandler } from './graphql-body-error-handler';
import { graphqlGuards, graphqlTokenLimit } from './graphql-guards';
import type { GraphQLContext } from './graphql-context';

export interface GraphQLMount {
  router: express.Router;
  stop(): Promise<void>;
}

/** Mounts Apollo Server at `/graphql` with bearer-token authentication. */
export async function graphqlRouter(domain: Domain): Promise<GraphQLMount> {
  const guards = graphqlGuards();
  const apollo = new ApolloServer<GraphQLContext>({
    schema: buildAdminSchema(),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: guards.validationRules,
    // No HTTP caching of admin data, so skip the per-field cache-control bookkeeping.
    plugins: [ApolloServerPluginCacheControlDisabled(), ...guards.plugins],
    formatError: formatGraphQLError((error) => domain.deps.log.error({ err: error }, 'unhandled GraphQL error')),
  });
  await apollo.start();
  const router = express.Router();
  router.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    graphqlTokenLimit,
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(domain, req) }),
  );
  router.use('/graphql', graphqlBodyErrorHandler);
  return { router, stop: () => apollo.stop() };
}

async function contextFor(domain: Domain, req: Request): Promise<GraphQLContext> {
  const request = { id: String(req.id), ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
  const header = req.headers.authorization;
  if (!header) return { domain, actor: null, request };
  const match = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match) return { domain, actor: null, request, authError: errors.unauthenticated('malformed Authorization header') };
  try {
    const { claims } = await domain.accessTokens.verify(match[1]!);
    return { domain, actor: await actorFromClaims(claims, domain.tenants, domain.clients), request };
  } catch {
    return { domain, actor: null, request, authError: errors.unauthenticated('the access token is invalid, expired or revoked') };
  }
}
