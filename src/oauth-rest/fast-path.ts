import type { IncomingMessage, ServerResponse } from 'node:http';
import { ISSUER_PARAM, PATH_PARAM, type Route } from './routes';
import type { RouteServer } from './serve-route';

/** The rows of one issuer-segment prefix (`/t/`), by `method suffix`. */
interface SegmentRoutes {
  readonly prefix: string;
  readonly bySuffix: Map<string, Route>;
}

/** Rows indexed for matching: exact `method path`, `query` rows by path, issuer-segment rows by prefix. */
interface RouteIndex {
  readonly exact: Map<string, Route>;
  readonly byPath: Map<string, Route>;
  readonly segmentRoutes: SegmentRoutes[];
}

function indexRoutes(routes: readonly Route[]): RouteIndex {
  const exact = new Map<string, Route>();
  const byPath = new Map<string, Route>();
  const segmentRoutes: SegmentRoutes[] = [];
  for (const route of routes) {
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
  return { exact, byPath, segmentRoutes };
}

const segmentRoute = (index: RouteIndex, method: string | undefined, url: string): [Route, string] | null => {
  for (const { prefix, bySuffix } of index.segmentRoutes) {
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

/** The rows whose path ends in the trailing path parameter (`/register/:client_id`). */
const TAIL = `/${PATH_PARAM}`;

/**
 * The node:http fast path: a request whose method and URL match a row of the
 * route table exactly is served straight from node:http, paying for the body
 * reader, the wrapper and the endpoint, not for a middleware stack. (`query`
 * routes match on the path alone.) A row with an issuer segment
 * (`/t/:issuer/token`) matches any one segment there, handed to the endpoint;
 * a row ending in the path parameter (`/register/:client_id`) matches any one
 * last segment there (without `%`-escapes, which Express decodes), handed to it too.
 * Returns false for anything else, which Express then serves: other paths,
 * and table paths with a query string, which Express serves from the same
 * table through the same wrapper.
 */
export function fastPath(table: readonly Route[], serve: RouteServer) {
  const rows = indexRoutes(table.filter((route) => !route.path.endsWith(TAIL)));
  const tailRows = indexRoutes(table.filter((route) => route.path.endsWith(TAIL)));
  const hasTailRows = tailRows.exact.size > 0 || tailRows.segmentRoutes.length > 0;

  /** A row ending in the path parameter for `url`, with the issuer segment (if any) and the parameter's value. */
  const tailRoute = (method: string | undefined, url: string): [Route, string | undefined, string] | null => {
    const slash = url.lastIndexOf('/');
    const value = url.slice(slash + 1);
    if (slash <= 0 || value.length === 0 || value.includes('?') || value.includes('%') || url.includes('?')) return null;
    const template = `${url.slice(0, slash)}${TAIL}`;
    const route = tailRows.exact.get(`${method} ${template}`);
    if (route) return [route, undefined, value];
    const found = tailRows.segmentRoutes.length > 0 ? segmentRoute(tailRows, method, template) : null;
    return found ? [found[0], found[1], value] : null;
  };

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const key = `${req.method} ${req.url}`;
    let route = rows.exact.get(key);
    if (!route && rows.byPath.size > 0) route = rows.byPath.get(key.split('?', 1)[0]!);
    if (route) {
      serve(route, req, res);
      return true;
    }
    const found = rows.segmentRoutes.length > 0 && req.url ? segmentRoute(rows, req.method, req.url) : null;
    if (found) {
      serve(found[0], req, res, found[1]);
      return true;
    }
    const tail = hasTailRows && req.url ? tailRoute(req.method, req.url) : null;
    if (!tail) return false;
    serve(tail[0], req, res, tail[1], tail[2]);
    return true;
  };
}
