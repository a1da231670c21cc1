import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Domain } from '../domain/create-domain';
import { errors } from '../domain/errors';
import type { Metrics } from '../ops/metrics';
import { requestId } from '../ops/request-id';
import { clientCredentialsFromRequest } from './client-credentials-from-request';
import { oauthErrorResponse } from './oauth-error-response';

const PATHS = new Set(['/token', '/connect/token']);
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The token endpoint (RFC 6749 §3.2) on the hot path, served straight from
 * node:http: every request for a token pays for this code and the grant, not
 * for a middleware stack. Returns false for anything that is not a
 * form-encoded POST to `/token` or `/connect/token`, which Express then serves
 * (and answers with the same errors). Same domain call, error table, request
 * id, access log and metrics as the Express routes.
 */
export function leanTokenHandler(domain: Domain, metrics: Metrics, logger: Logger) {
  const logInfo = logger.isLevelEnabled('info');
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || !PATHS.has(req.url ?? '')) return false;
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return false;
    const started = process.hrtime.bigint();
    const id = requestId(req, res);
    const route = req.url!;
    metrics.withRequestScope((scope) => {
      const send = (status: number, headers: Record<string, string>, body: unknown) => {
        const json = JSON.stringify(body);
        if (status === 413) res.setHeader('Connection', 'close');
        res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(json)) });
        res.end(json);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.recordRequest('POST', route, status, seconds, scope.dbQueries);
        if (logInfo || status >= 500) {
          logger[status >= 500 ? 'error' : 'info']({ req: { id, method: 'POST', url: route }, res: { statusCode: status }, responseTime: Math.round(seconds * 1000) }, 'request completed');
        }
      };
      const fail = (error: unknown) => {
        const response = oauthErrorResponse(error);
        if (response.unexpected) logger.error({ err: error, req: { id, url: route } }, 'unhandled error on an OAuth endpoint');
        send(response.status, response.headers, response.body);
      };
      readForm(req).then(
        async (params) => {
          const credentials = clientCredentialsFromRequest({ headers: req.headers, body: params });
          send(200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' }, await domain.tokenEndpoint.exchange(credentials, params));
        },
        fail,
      ).catch(fail);
    });
    return true;
  };
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
