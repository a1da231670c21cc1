/** The search box of a list: a case-insensitive match of every word against the row's listed fields (the loaded page only). */
export function filterRows<T>(rows: readonly T[], query: string, fields: (row: T) => readonly (string | null | undefined)[]): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...rows];
  return rows.filter((row) => {
    const text = fields(row).filter(Boolean).join(' ').toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** Splits a textarea of one value per line (or comma) into trimmed, non-empty values. */
export const splitList = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((value) => value.trim())
    .filter(Boolean);

/** The tenant tree: each path's depth below the root, in path order, so a list can be indented. */
export function tenantTree<T extends { path: string }>(tenants: readonly T[]): { tenant: T; depth: number }[] {
  return [...tenants]
    .sort((a, b) => (a.path === b.path ? 0 : a.path === '/' ? -1 : b.path === '/' ? 1 : a.path.localeCompare(b.path)))
    .map((tenant) => ({ tenant, depth: tenant.path === '/' ? 0 : tenant.path.split('/').length - 1 }));
}

/** The ancestors of `path`, nearest first, that lie within `home` (the admin's own tenant): `/a/b/c` within `/a` → `/a/b`, `/a`. */
export function ancestorsWithin(path: string, home: string): string[] {
  const within = (p: string) => home === '/' || p === home || p.startsWith(`${home}/`);
  const found: string[] = [];
  for (let p = path; p !== '/';) {
    p = p.lastIndexOf('/') === 0 ? '/' : p.slice(0, p.lastIndexOf('/'));
    if (!within(p)) break;
    found.push(p);
  }
  return found;
}
