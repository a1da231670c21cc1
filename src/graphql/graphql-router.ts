import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request } from 'express';
import type { Domain } from '../composition/create-domain';
import { errors, isDomainError } from '../domain/errors';
import type { RequestScope } from '../domain/request-scope';
import { domainErrorOf } from '../edge/domain-error-of';
import type { RequestScopeFactory } from '../edge/request-scope-factory';
import { actorFromClaims } from '../domain/actor-from-claims';
import { buildAdminSchema } from './build-schema';
import { formatGraphQLError } from './format-graphql-error';
import { graphqlBodyErrorHandler } from './graphql-body-error-handler';
import { graphqlGuards, graphqlTokenLimit } from './graphql-guards';
import type { GraphQLContext } from './graphql-context';
import { jitGateway } from './jit-gateway';
import { dpopPresentation } from '../edge/dpop-from-request';

export interface GraphQLMount {
  router: express.Router;
  stop(): Promise<void>;
}

/** Mounts Apollo Server at `/graphql` with bearer-token authentication. */
export async function graphqlRouter(domain: Domain, scopeFor: RequestScopeFactory): Promise<GraphQLMount> {
  const guards = graphqlGuards();
  const apollo = new ApolloServer<GraphQLContext>({
    gateway: jitGateway(buildAdminSchema()),
    introspection: true,
    // The process's own shutdown drains HTTP first and stops Apollo after (src/main.ts); Apollo's
    // SIGTERM handler would stop it under in-flight requests, and re-raised SIGTERM in a worker hung the stop.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: guards.validationRules,
    // No HTTP caching of admin data, so skip the per-field cache-control bookkeeping. No landing page: Apollo's
    // would load scripts and fonts from third-party origins on this origin; a browser's GET gets a JSON error.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled(), ...guards.plugins],
    formatError: formatGraphQLError(
      (error) => domain.log.error({ err: error }, 'unhandled GraphQL error'),
      (error) => domain.log.warn({ err: error }, 'the database refused a GraphQL input value'),
    ),
  });
  await apollo.start();
  const router = express.Router();
  router.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    graphqlTokenLimit,
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(domain, scopeFor(req, String(req.id)), req) }),
  );
  router.use('/graphql', graphqlBodyErrorHandler);
  return { router, stop: () => apollo.stop() };
}

async function contextFor(domain: Domain, scope: RequestScope, req: Request): Promise<GraphQLContext> {
  const header = req.headers.authorization;
  if (!header) return { domain, scope, actor: null };
  // RFC 9449 §7.1: `DPoP <token>` with a proof of the token's key; a DPoP-bound token as Bearer is refused by verify.
  const match = /^(Bearer|DPoP)\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match) return { domain, scope, actor: null, authError: errors.unauthenticated('malformed Authorization header') };
  const token = match[2]!;
  try {
    const { claims, user } =
      match[1]!.toLowerCase() === 'dpop'
        ? await domain.dpop.verifyAccess(
            token,
            dpopPresentation(domain.issuer, { method: req.method, headers: req.headers, url: req.originalUrl }),
            (presented, jkt) => domain.accessTokens.verify(presented, jkt),
          )
        : await domain.accessTokens.verify(token);
    scope.actor = await actorFromClaims(claims, domain.tenants, domain.clients, user);
    return { domain, scope, actor: scope.actor };
  } catch (error) {
    // Only the domain's own verdict on the token means UNAUTHENTICATED; an outage is reported as such.
    if (isDomainError(error) && error.code === 'invalid_token') {
      return { domain, scope, actor: null, authError: errors.unauthenticated('the access token is invalid, expired or revoked') };
    }
    if (isDomainError(error) && (error.code === 'invalid_dpop_proof' || error.code === 'use_dpop_nonce')) {
      return { domain, scope, actor: null, authError: errors.unauthenticated(error.description) };
    }
    return { domain, scope, actor: null, authError: domainErrorOf(error) ?? (error instanceof Error ? error : new Error(String(error))) };
  }
}
