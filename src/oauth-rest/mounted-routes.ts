/** The parts of Express's router internals (router 2.x) read to list mounted routes. */
interface RouteLike {
  path: string | string[];
  _handlesMethod(method: string): boolean;
}
interface LayerLike {
  route?: RouteLike;
  /** True for `use()` layers mounted at `/`. */
  slash?: boolean;
  handle?: { stack?: unknown };
}

/**
 * True when `method path` is served by an exact route on `router` or on a
 * router mounted at `/` inside it. Discovery uses it to advertise only the
 * endpoints that exist (OIDC Discovery 1.0 §3).
 */
export function hasMountedRoute(router: { stack?: unknown }, method: string, path: string): boolean {
  const stack = Array.isArray(router.stack) ? (router.stack as LayerLike[]) : [];
  return stack.some((layer) => {
    if (layer.route) return [layer.route.path].flat().includes(path) && layer.route._handlesMethod(method.toLowerCase());
    return Boolean(layer.slash && layer.handle && hasMountedRoute(layer.handle, method, path));
  });
}
