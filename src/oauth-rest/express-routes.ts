import { Router } from 'express';
import { PATH_PARAM, type Route } from './routes';
import type { RouteServer } from './serve-route';

/**
 * The route table as an Express router, for what the fast path leaves to
 * Express (a table path with a query string, HEAD on a GET route). Mounted
 * first: the wrapper does request id, log and metrics itself.
 */
export function expressRoutes(table: readonly Route[], serve: RouteServer): Router {
  const router = Router();
  for (const route of table) {
    const handler = (req: Parameters<RouteServer>[1] & { params?: Record<string, string | undefined> }, res: Parameters<RouteServer>[2]) =>
      serve(route, req, res, req.params?.issuer, req.params?.[PATH_PARAM.slice(1)]);
    if (route.method === 'GET') router.get(route.path, handler);
    else if (route.method === 'PUT') router.put(route.path, handler);
    else if (route.method === 'DELETE') router.delete(route.path, handler);
    else router.post(route.path, handler);
  }
  return router;
}
