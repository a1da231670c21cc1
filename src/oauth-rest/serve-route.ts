import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RequestScopeFactory } from '../edge/request-scope-factory';
import type { Metrics } from '../ops/metrics';
import { requestIdOf } from '../ops/request-id';
import { oauthErrorResponse } from './oauth-error-response';
import { isPromise, type MaybePromise } from '../domain/util/maybe-promise';
import type { EndpointResponse } from './endpoint-types';
import { readBody } from './read-body';
import type { Route } from './routes';
import { seed001ErrorShape } from './compat/seed001-errors';
import { serverPluginErrorShape } from './server-plugin-error';

/** Serves one request for a route of the table; both HTTP adapters call it. */
export type RouteServer = (route: Route, req: IncomingMessage, res: ServerResponse, issuerSegment?: string, pathParam?: string) => void;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The one wrapper around every route of the table: request id (echoed as
 * X-Request-Id), the request scope handed to the endpoint, metrics (requests, latency and database queries per route),
 * access log, the body reader, the endpoint, and errors as RFC 6749 §5.2 JSON,
 * or in seed 001's failure shape (`errors: 'seed001'`) or seed 003's
 * ServerPluginError (`errors: 'seed003'`)
 * (unexpected ones and outages logged with their cause).
 */
export function routeServer(
  metrics: Metrics,
  logger: Logger,
  scopeFor: RequestScopeFactory,
  /** Sent with every response (transport security), before the endpoint's own headers. */
  commonHeaders: Readonly<Record<string, string>> = {},
): RouteServer {
  const logInfo = logger.isLevelEnabled('info');
  return (route, req, res, issuerSegment, pathParam) => {
    const started = process.hrtime.bigint();
    // The id Express's request-id middleware gave the request, else one of its own; sent with the
    // other headers in writeHead, which skips Node's per-header setHeader bookkeeping.
    const id = (req as { id?: string }).id ?? requestIdOf(req);
    const method = req.method ?? route.method;
    const scope = scopeFor(req, id);
    metrics.countingQueries((counts) => {
      const send = (status: number, headers: Readonly<Record<string, string>>, body: unknown) => {
        const json = body === undefined ? '' : JSON.stringify(body);
        const head: Record<string, string> = {
          'X-Request-Id': id,
          ...commonHeaders,
          ...headers,
          'Content-Length': String(Buffer.byteLength(json)),
        };
        if (json && !head['Content-Type']) head['Content-Type'] = JSON_TYPE;
        if (status === 413) head.Connection = 'close';
        res.writeHead(status, head);
        res.end(json);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.recordRequest(method, route.path, status, seconds, counts.dbQueries);
        if (logInfo || status >= 500) {
          logger[status >= 500 ? 'error' : 'info'](
            {
              req: { id, method, url: route.path, ip: scope.clientIp },
              res: { statusCode: status },
              responseTime: Math.round(seconds * 1000),
            },
            'request completed',
          );
        }
      };
      const fail = (error: unknown) => {
        const response = oauthErrorResponse(error);
        if (response.unexpected) logger.error({ err: error, req: { id, url: route.path, ip: scope.clientIp } }, 'request failed');
        else if (response.warning)
          logger.warn({ err: error, req: { id, url: route.path, ip: scope.clientIp } }, 'the database refused a request value');
        const shaped =
          route.errors === 'seed001'
            ? seed001ErrorShape(response)
            : route.errors === 'seed003'
              ? serverPluginErrorShape(response, error, route.path)
              : response;
        send(shaped.status, shaped.headers, shaped.body);
      };
      const deliver = (response: EndpointResponse) => {
        try {
          send(response.status, response.headers, response.body);
        } catch (error) {
          if (!res.headersSent) fail(error);
          else logger.error({ err: error, req: { id, url: route.path } }, 'response failed after its headers were sent');
        }
      };
      /** `next` with what `run` answers: at once when it answers at once (a warm endpoint: no promise), `fail` on a throw or rejection. */
      const settle = <T>(run: () => MaybePromise<T>, next: (value: T) => void) => {
        let value: MaybePromise<T>;
        try {
          value = run();
        } catch (error) {
          fail(error);
          return;
        }
        if (isPromise(value)) value.then(next, fail);
        else next(value);
      };
      settle(
        () => readBody(route.body, req),
        (body) =>
          settle(
            () =>
              route.endpoint({
                method,
                headers: req.headers,
                url: req.url,
                body: body.params,
                json: body.json,
                issuerSegment,
                pathParam,
                routePath: route.path,
                scope,
              }),
            deliver,
          ),
      );
    });
  };
}
