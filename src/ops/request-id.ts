import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A caller-supplied X-Request-Id is echoed only when it is short and plain. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the caller's X-Request-Id when acceptable, else a UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const presented = req.headers['x-request-id'];
  return typeof presented === 'string' && REQUEST_ID.test(presented) ? presented : randomUUID();
}

/** The request's id ({@link requestIdOf}), set on the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const id = requestIdOf(req);
  res.setHeader('X-Request-Id', id);
  return id;
}
