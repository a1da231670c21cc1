import type { MikroORM } from '@mikro-orm/postgresql';
import express from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { ChangeBus } from './domain/cache/change-bus';
import { systemClock, type Clock } from './domain/clock';
import { createDomain, type Domain } from './domain/create-domain';
import type { ServerSecret } from './domain/crypto/server-secret';
import { discoveryRouter } from './oauth-rest/discovery.router';
import { introspectionRouter } from './oauth-rest/introspection.router';
import { jwksRouter } from './oauth-rest/jwks.router';
import { hasMountedRoute } from './oauth-rest/mounted-routes';
import { oauthErrorHandler } from './oauth-rest/oauth-error-handler';
import { revocationRouter } from './oauth-rest/revocation.router';
import { tokenRouter } from './oauth-rest/token.router';
import { authorizeRouter } from './pages/authorize.router';
import { logoutRouter } from './pages/logout.router';
import { userinfoRouter } from './oauth-rest/userinfo.router';
import { Metrics } from './ops/metrics';
import { opsRouter } from './ops/ops.router';
import { graphqlRouter } from './resolvers/graphql-router';

/** A caller-supplied X-Request-Id is echoed only when it is short and plain. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface AppDeps {
  orm: MikroORM;
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
  stop(): Promise<void>;
}

/** Composition root: the domain, then every transport over it. */
export async function createApp(deps: AppDeps): Promise<App> {
  const domain = createDomain({ orm: deps.orm, secret: deps.secret, bus: deps.bus, clock: deps.clock ?? systemClock, issuer: deps.issuer, log: deps.logger });
  const graphql = await graphqlRouter(domain);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(deps.metrics.middleware);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const presented = req.headers['x-request-id'];
        const id = typeof presented === 'string' && REQUEST_ID.test(presented) ? presented : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      serializers: { req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }) },
    }),
  );
  app.use(opsRouter(deps.orm, deps.metrics));
  app.use(jwksRouter(domain));
  app.use(tokenRouter(domain));
  app.use(authorizeRouter(domain));
  app.use(logoutRouter(domain));
  app.use(discoveryRouter(domain, { hasRoute: (method, path) => hasMountedRoute(app.router, method, path) }));
  app.use(introspectionRouter(domain));
  app.use(revocationRouter(domain));
  app.use(userinfoRouter(domain));
  app.use(graphql.router);
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', error_description: 'no such endpoint' });
  });
  app.use(oauthErrorHandler);
  return { express: app, domain, stop: () => graphql.stop() };
}
