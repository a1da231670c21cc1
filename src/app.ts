import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { ChangeBus } from './domain/cache/change-bus';
import { systemClock, type Clock } from './domain/clock';
import { createDomain, type Domain } from './domain/create-domain';
import type { ServerSecret } from './domain/crypto/server-secret';
import type { PreparedQueries } from './domain/prepared-queries';
import { discoveryRouter } from './oauth-rest/discovery.router';
import { introspectionRouter } from './oauth-rest/introspection.router';
import { jwksRouter } from './oauth-rest/jwks.router';
import { hasMountedRoute } from './oauth-rest/mounted-routes';
import { oauthEndpoints, type OAuthEndpoints } from './oauth-rest/oauth-endpoints';
import { oauthErrorHandler } from './oauth-rest/oauth-error-handler';
import { revocationRouter } from './oauth-rest/revocation.router';
import { seedRouter } from './oauth-rest/seeds/seed.router';
import { seedRoutes, type SeedRoute } from './oauth-rest/seeds/seed-routes';
import { tokenRouter } from './oauth-rest/token.router';
import { authorizeRouter } from './pages/authorize.router';
import { logoutRouter } from './pages/logout.router';
import { userinfoRouter } from './oauth-rest/userinfo.router';
import { Metrics } from './ops/metrics';
import { opsRouter } from './ops/ops.router';
import { requestId } from './ops/request-id';
import { graphqlRouter } from './resolvers/graphql-router';

export interface AppDeps {
  orm: MikroORM;
  sql: PreparedQueries;
  secret: ServerSecret;
  bus: ChangeBus;
  logger: Logger;
  issuer: string;
  metrics: Metrics;
  clock?: Clock;
}

export interface App {
  express: express.Express;
  domain: Domain;
  /** The token, introspection and userinfo endpoints, also served by the node:http fast path. */
  oauthEndpoints: OAuthEndpoints;
  /** Seeds 000 and 001, mounted on Express; the `fast` ones are also served by the node:http fast path. */
  seedRoutes: readonly SeedRoute[];
  stop(): Promise<void>;
}

/** Composition root: the domain, then every transport over it. */
export async function createApp(deps: AppDeps): Promise<App> {
  const domain = createDomain({ orm: deps.orm, sql: deps.sql, secret: deps.secret, bus: deps.bus, clock: deps.clock ?? systemClock, issuer: deps.issuer, log: deps.logger });
  const endpoints = oauthEndpoints(domain);
  const seeds = seedRoutes(domain);
  const graphql = await graphqlRouter(domain);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(deps.metrics.middleware);
  if (deps.logger.isLevelEnabled('info')) {
    app.use(
      pinoHttp({
        logger: deps.logger,
        genReqId: requestId,
        autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
        customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
        serializers: { req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }) },
      }),
    );
  } else {
    // No access log below `info`: skip pino-http's per-request child logger, keep the id and req.log.
    app.use((req, res, next) => {
      req.id = requestId(req, res);
      req.log = deps.logger;
      next();
    });
  }
  app.use(opsRouter(deps.orm, deps.metrics));
  app.use(jwksRouter(domain));
  app.use(tokenRouter(endpoints));
  app.use(authorizeRouter(domain));
  app.use(logoutRouter(domain));
  app.use(discoveryRouter(domain, { hasRoute: (method, path) => hasMountedRoute(app.router, method, path) }));
  app.use(introspectionRouter(endpoints));
  app.use(revocationRouter(domain));
  app.use(userinfoRouter(endpoints));
  app.use(seedRouter(seeds));
  app.use(graphql.router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', error_description: 'no such endpoint' });
  });
  app.use(oauthErrorHandler);
  return { express: app, domain, oauthEndpoints: endpoints, seedRoutes: seeds, stop: () => graphql.stop() };
}
