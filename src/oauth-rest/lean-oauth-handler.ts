import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { errors } from '../domain/errors';
import type { Metrics } from '../ops/metrics';
import { requestId } from '../ops/request-id';
import type { OAuthEndpoint, OAuthEndpoints } from './oauth-endpoints';
import { oauthErrorResponse } from './oauth-error-response';
import type { SeedRoute } from './seeds/seed-routes';

const MAX_BODY_BYTES = 64 * 1024;

interface LeanRoute {
  readonly endpoint: OAuthEndpoint;
  /** POST bodies must be form-encoded to be served here; anything else goes to Express. */
  readonly form: boolean;
}

/**
 * The hot OAuth endpoints (token, introspection, userinfo, and the `fast`
 * seed routes such as `/client/login` and `/api`) served straight
 * from node:http: every request pays for this code and the domain call, not
 * for a middleware stack. Returns false for anything else (another path or
 * method, a POST that is not form-encoded, a query string), which Express then
 * serves with the same endpoint functions and errors. Same request id, access
 * log and metrics as the Express routes.
 */
export function leanOAuthHandler(endpoints: OAuthEndpoints, metrics: Metrics, logger: Logger, seedRoutes: readonly SeedRoute[] = []) {
  const routes = new Map<string, LeanRoute>([
    ['POST /token', { endpoint: endpoints.token, form: true }],
    ['POST /connect/token', { endpoint: endpoints.token, form: true }],
    ['POST /introspect', { endpoint: endpoints.introspect, form: true }],
    ['POST /userinfo', { endpoint: endpoints.userinfo, form: true }],
    ['GET /userinfo', { endpoint: endpoints.userinfo, form: false }],
    ...seedRoutes.filter((seed) => seed.fast).map((seed): [string, LeanRoute] => [`${seed.method} ${seed.path}`, { endpoint: seed.endpoint, form: seed.method === 'POST' }]),
  ]);
  const logInfo = logger.isLevelEnabled('info');
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const method = req.method ?? '';
    const route = req.url ?? '';
    const target = routes.get(`${method} ${route}`);
    if (!target) return false;
    if (target.form && !(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return false;
    const started = process.hrtime.bigint();
    const id = requestId(req, res);
    metrics.withRequestScope((scope) => {
      const send = (status: number, headers: Readonly<Record<string, string>>, body: unknown) => {
        const json = JSON.stringify(body);
        if (status === 413) res.setHeader('Connection', 'close');
        res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(json)) });
        res.end(json);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.recordRequest(method, route, status, seconds, scope.dbQueries);
        if (logInfo || status >= 500) {
          logger[status >= 500 ? 'error' : 'info']({ req: { id, method, url: route }, res: { statusCode: status }, responseTime: Math.round(seconds * 1000) }, 'request completed');
        }
      };
      const fail = (error: unknown) => {
        const response = oauthErrorResponse(error);
        if (response.unexpected) logger.error({ err: error, req: { id, url: route } }, 'unhandled error on an OAuth endpoint');
        send(response.status, response.headers, response.body);
      };
      (target.form ? readForm(req) : skipBody(req))
        .then(async (body) => {
          const response = await target.endpoint({ method, headers: req.headers, body, remoteAddress: req.socket.remoteAddress });
          send(response.status, response.headers, response.body);
        }, fail)
        .catch(fail);
    });
    return true;
  };
}

/** GET: any body is read and ignored, so the connection stays usable. */
function skipBody(req: IncomingMessage): Promise<Record<string, string>> {
  req.resume();
  return Promise.resolve({});
}

/** Reads and parses the form body; repeated parameters (RFC 6749 §3.2) and oversized bodies are refused. */
function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Answer at once and close the connection rather than reading the rest.
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      const params: Record<string, string> = {};
      const repeated = new Set<string>();
      for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
        if (Object.prototype.hasOwnProperty.call(params, key)) repeated.add(key);
        params[key] = value;
      }
      if (repeated.size > 0) reject(errors.invalidRequest(`parameters must not be repeated: ${[...repeated].join(', ')}`));
      else resolve(params);
    });
  });
}
