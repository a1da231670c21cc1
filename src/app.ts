import express from 'express';
import type http from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { TrustProxy } from './config/env';
import type { ChangeBus } from './domain/changes/change-bus';
import { systemClock, type Clock } from './domain/clock';
import type { ServerSecret } from './domain/crypto/server-secret';
import type { Database } from './data/database';
import { createDomainFromDatabase, type Domain } from './composition/create-domain';
import { expressRoutes } from './oauth-rest/express-routes';
import { fastPath } from './oauth-rest/fast-path';
import { oauthEndpoints } from './oauth-rest/oauth-endpoints';
import { oauthErrorHandler } from './oauth-rest/oauth-error-handler';
import { routeTable, type Route } from './oauth-rest/routes';
import { routeServer } from './oauth-rest/serve-route';
import { accountRouter } from './pages/account.router';
import { authorizeRouter } from './pages/authorize.router';
import { consoleRouter } from './pages/console.router';
import { deviceRouter } from './pages/device.router';
import { logoutRouter } from './pages/logout.router';
import { pageKit } from './pages/send-outcome';
import { pagePath } from './pages/browser-cookies';
import { passwordRouter } from './pages/password.router';
import { federationRouter } from './pages/federation.router';
import { tenantIssuerPagesRouter } from './pages/tenant-issuer-pages.router';
import { requestScopeFactory } from './edge/request-scope-factory';
import { nodeOutboundHttp } from './edge/node-outbound-http';
import { openidClientUpstream } from './edge/openid-client-upstream';
import { smtpMailSender } from './edge/smtp-mail-sender';
import { isLoopbackHost } from './domain/clients/validate-client-keys';
import { parseCidr } from './domain/outbound/outbound-policy';
import { transportSecurityHeaders } from './edge/transport-security';
import { compileTrustProxy } from './ops/client-ip';
import { serializeError } from './ops/logger';
import { Metrics } from './ops/metrics';
import { opsRouter } from './ops/ops.router';
import { requestId } from './ops/request-id';
import { graphqlRouter } from './graphql/graphql-router';
import { scimRouter } from './oauth-rest/scim.router';

export interface AppDeps {
  db: Database;
  secret: ServerSecret;
  bus: ChangeBus;
  logger: Logger;
  issuer: string;
  metrics: Metrics;
  clock?: Clock;
  /** TRUST_PROXY: whose X-Forwarded-For decides the client IP of the request scope; off by default. */
  trustProxy?: TrustProxy;
  /** DPOP_REQUIRE_NONCE (src/config/env.ts). */
  dpopRequireNonce?: boolean;
  /** OUTBOUND_ALLOW_CIDRS: private ranges the server's own requests (jwks_uri) may reach nonetheless. */
  outboundAllowCidrs?: readonly string[];
  /** WEBHOOK_RETRY_FIRST_MS: the first retry delay of webhook deliveries. */
  webhookRetryFirstMs?: number;
  /** SMTP_URL and SMTP_FROM: the mail server of the email flows; absent: they are off. */
  smtp?: { url: string; from: string };
  /** True once shutdown has begun: `/readyz` answers 503 so a load balancer stops sending. */
  draining?: () => boolean;
}

export interface App {
  express: express.Express;
  domain: Domain;
  /** The route table of the OAuth endpoints (routes.ts). */
  routes: readonly Route[];
  /** node:http fast path over the route table: true when it took the request, false to hand it to `express`. */
  fastPath(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  stop(): Promise<void>;
}

/** How long start-up waits for the in-memory revocation state before serving with database fallback. */
const STATE_LOAD_WAIT_MS = 1_000;

/** The HTTP application: the domain (src/composition), then every transport over it. */
export async function createApp(deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  // Outbound requests (jwks_uri): loopback only while ISSUER itself is on loopback, plus the ranges the operator allows.
  const outbound = nodeOutboundHttp({
    allowLoopback: isLoopbackHost(new URL(deps.issuer).hostname),
    allowCidrs: (deps.outboundAllowCidrs ?? []).map((cidr) => parseCidr(cidr)!),
  });
  const domain = createDomainFromDatabase(deps.db, {
    secret: deps.secret,
    bus: deps.bus,
    clock,
    issuer: deps.issuer,
    log: deps.logger,
    dpopRequireNonce: deps.dpopRequireNonce,
    outbound,
    upstream: openidClientUpstream(outbound.policy),
    mail: deps.smtp ? smtpMailSender(deps.smtp.url, deps.smtp.from) : null,
    webhookRetryFirstMs: deps.webhookRetryFirstMs,
  });
  const scopeFor = requestScopeFactory(clock, deps.trustProxy ?? false);
  // The composition root knows what it mounts: discovery advertises exactly that.
  const routes = routeTable(oauthEndpoints(domain, { authorizationEndpoint: true, endSessionEndpoint: true, backchannelLogout: true }));
  const transportHeaders = transportSecurityHeaders(deps.issuer);
  const serveRoute = routeServer(deps.metrics, deps.logger, scopeFor, transportHeaders);
  const graphql = await graphqlRouter(domain, scopeFor);
  // The in-memory revocation state (revoked jtis, families, devices, cutoffs). Start-up waits for it at most
  // STATE_LOAD_WAIT_MS; verification asks the database until it is loaded, so a big state never delays serving.
  const loading = domain.revocationCheck.sync.reload();
  let waited: NodeJS.Timeout | undefined;
  await Promise.race([loading, new Promise<void>((resolve) => (waited = setTimeout(resolve, STATE_LOAD_WAIT_MS)))]);
  clearTimeout(waited);
  domain.revocationCheck.sync.start();
  // The mail outbox's delivery worker (no-op without SMTP_URL).
  domain.mail.start();
  // The back-channel logout outbox's delivery worker: what was owed before a restart goes out now.
  domain.backchannelLogout.start();
  // The webhook delivery worker: delivers what the outbox holds (also what an earlier run left).
  domain.webhookDispatcher.start();
  domain.issuance.start((error) => deps.logger.error({ err: error }, 'flushing access-token issuance counters failed'));
  const app = express();
  app.set('trust proxy', compileTrustProxy(deps.trustProxy ?? false));
  app.disable('x-powered-by');
  app.set('etag', false);
  // Table routes send these themselves (serveRoute), on both paths; everything else Express answers gets them here.
  if (Object.keys(transportHeaders).length > 0) {
    app.use((_req, res, next) => {
      res.set(transportHeaders);
      next();
    });
  }
  app.use(expressRoutes(routes, serveRoute));
  app.use(deps.metrics.middleware);
  if (deps.logger.isLevelEnabled('info')) {
    app.use(
      pinoHttp({
        logger: deps.logger,
        genReqId: requestId,
        autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
        customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
        serializers: {
          err: serializeError,
          // No headers either way: request headers carry cookies and Authorization, response headers Set-Cookie and Location (?code=…).
          req: (req: { method: string; url: string; id: string; raw: express.Request }) => ({
            id: req.id,
            method: req.method,
            url: req.url.split('?')[0],
            ip: req.raw.ip,
          }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
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
  app.use(opsRouter(deps.db, deps.bus, deps.metrics, deps.draining ?? (() => false)));
  // SCIM 2.0 provisioning at `{ISSUER}/scim/v2` and `{ISSUER}/t/{segment}/scim/v2` (its own body reader and error shape).
  app.use(scimRouter(domain, scopeFor, deps.logger));
  const forgotPassword = domain.passwordReset.enabled
    ? (tenantPath: string) => pagePath(domain.tenantIssuers.issuerOf(tenantPath), '/password/forgot')
    : undefined;
  const kit = pageKit(deps.issuer, deps.secret, forgotPassword);
  // Every tenant issuer's own hosted pages, under `{ISSUER}/t/{segment}` (its OAuth endpoints are in the route table).
  app.use(tenantIssuerPagesRouter(domain, deps.secret, scopeFor));
  app.use(authorizeRouter(domain, kit, scopeFor));
  app.use(logoutRouter(domain, kit));
  app.use(accountRouter(domain, kit));
  // Password reset by mail for the root tenant (a tenant issuer's is under `{I}/password`).
  app.use(passwordRouter(domain, scopeFor, deps.issuer, () => domain.tenants.require('/')));
  app.use(federationRouter(domain, scopeFor, deps.issuer, () => domain.tenants.require('/')));
  // RFC 8628 §3.3: the device verification page of the root issuer.
  app.use(deviceRouter(domain, deps.secret, scopeFor, deps.issuer, null));
  app.use(graphql.router);
  app.use(consoleRouter());
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', error_description: 'no such endpoint' });
  });
  app.use(oauthErrorHandler);
  return {
    express: app,
    domain,
    routes,
    fastPath: fastPath(routes, serveRoute),
    stop: async () => {
      domain.revocationCheck.sync.stop();
      await domain.keys.stopBackground();
      await domain.mail.stop();
      await domain.backchannelLogout.stop();
      await domain.webhookDispatcher.stop();
      await domain.issuance
        .stop()
        .catch((error: unknown) => deps.logger.error({ err: error }, 'flushing access-token issuance counters failed'));
      await graphql.stop();
      await domain.audit.stop();
    },
  };
}
