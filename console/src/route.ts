/** The console's place in the URL fragment: `#screen` or `#screen?key=value&…` (e.g. `#devices?user=<id>`). */
export interface Route<Screen extends string = string> {
  screen: Screen;
  params: Readonly<Record<string, string>>;
}

/** Reads a fragment; an unknown or missing screen is `fallback`, with no parameters. */
export function parseRoute<Screen extends string>(hash: string, screens: readonly Screen[], fallback: Screen): Route<Screen> {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const mark = raw.indexOf('?');
  const name = mark === -1 ? raw : raw.slice(0, mark);
  if (!(screens as readonly string[]).includes(name)) return { screen: fallback, params: {} };
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(mark === -1 ? '' : raw.slice(mark + 1))) if (value !== '') params[key] = value;
  return { screen: name as Screen, params };
}

/** The fragment of a route, parameters in the order given and empty ones left out. */
export function routeHref(screen: string, params: Readonly<Record<string, string | null | undefined>> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `#${screen}?${text}` : `#${screen}`;
}
