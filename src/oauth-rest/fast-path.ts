import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from './routes';
import type { RouteServer } from './serve-route';

/**
 * The node:http fast path: a request whose method and URL match a row of the
 * route table exactly is served straight from node:http, paying for the body
 * reader, the wrapper and the endpoint, not for a middleware stack. (`query`
 * routes match on the path alone.) Returns false for anything else, which
 * Express then serves: other paths, and table paths with a query string,
 * which Express serves from the same table through the same wrapper.
 */
export function fastPath(table: readonly Route[], serve: RouteServer) {
  const exact = new Map<string, Route>();
  const byPath = new Map<string, Route>();
  for (const route of table) (route.body === 'query' ? byPath : exact).set(`${route.method} ${route.path}`, route);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const key = `${req.method} ${req.url}`;
    let route = exact.get(key);
    if (!route && byPath.size > 0) route = byPath.get(key.split('?', 1)[0]!);
    if (!route) return false;
    serve(route, req, res);
    return true;
  };
}
