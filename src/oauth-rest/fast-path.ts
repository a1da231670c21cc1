import type { IncomingMessage, ServerResponse } from 'node:http';
import { ISSUER_PARAM, type Route } from './routes';
import type { RouteServer } from './serve-route';

/** The rows of one issuer-segment prefix (`/t/`), by `method suffix`. */
interface SegmentRoutes {
  readonly prefix: string;
  readonly bySuffix: Map<string, Route>;
}

/**
 * The node:http fast path: a request whose method and URL match a row of the
 * route table exactly is served straight from node:http, paying for the body
 * reader, the wrapper and the endpoint, not for a middleware stack. (`query`
 * routes match on the path alone.) A row with an issuer segment
 * (`/t/:issuer/token`) matches any one segment there, handed to the endpoint.
 * Returns false for anything else, which Express then serves: other paths,
 * and table paths with a query string, which Express serves from the same
 * table through the same wrapper.
 */
export function fastPath(table: readonly Route[], serve: RouteServer) {
  const exact = new Map<string, Route>();
  const byPath = new Map<string, Route>();
  const segmentRoutes: SegmentRoutes[] = [];
  for (const route of table) {
    const at = route.path.indexOf(ISSUER_PARAM);
    if (at < 0) {
      (route.body === 'query' ? byPath : exact).set(`${route.method} ${route.path}`, route);
      continue;
    }
    const prefix = route.path.slice(0, at);
    let group = segmentRoutes.find((candidate) => candidate.prefix === prefix);
    if (!group) segmentRoutes.push((group = { prefix, bySuffix: new Map() }));
    group.bySuffix.set(`${route.method} ${route.path.slice(at + ISSUER_PARAM.length)}`, route);
  }
  // Longest prefix first: `/.well-known/oauth-authorization-server/t/` before `/t/`.
  segmentRoutes.sort((a, b) => b.prefix.length - a.prefix.length);

  const segmentRoute = (method: string | undefined, url: string): [Route, string] | null => {
    for (const { prefix, bySuffix } of segmentRoutes) {
      if (!url.startsWith(prefix)) continue;
      // A query string goes to Express, as for every other row.
      if (url.indexOf('?', prefix.length) >= 0) return null;
      const slash = url.indexOf('/', prefix.length);
      const segment = slash < 0 ? url.slice(prefix.length) : url.slice(prefix.length, slash);
      if (segment.length === 0) return null;
      const route = bySuffix.get(`${method} ${slash < 0 ? '' : url.slice(slash)}`);
      return route ? [route, segment] : null;
    }
    return null;
  };

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const key = `${req.method} ${req.url}`;
    let route = exact.get(key);
    if (!route && byPath.size > 0) route = byPath.get(key.split('?', 1)[0]!);
    if (route) {
      serve(route, req, res);
      return true;
    }
    const found = segmentRoutes.length > 0 && req.url ? segmentRoute(req.method, req.url) : null;
    if (!found) return false;
    serve(found[0], req, res, found[1]);
    return true;
  };
}
