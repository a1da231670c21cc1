import { quoted } from '../error-description';
import { errors } from '../errors';

const SEGMENT = /^[a-z0-9](?:[a-z0-9_-]{0,62})$/;

/**
 * Validates and normalises a tenant path (seed 003 `tenant_path`): `/` or
 * `/seg/seg…`, lowercase segments of letters, digits, `-` and `_`. A trailing
 * slash is tolerated and removed.
 */
export function normalizeTenantPath(input: string, field = 'path'): string {
  const trimmed = input.trim();
  if (trimmed === '/') return '/';
  const withoutTrailing = trimmed.replace(/\/+$/, '');
  if (!withoutTrailing.startsWith('/')) throw errors.validation(field, 'must start with "/"');
  const segments = withoutTrailing.slice(1).split('/');
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      throw errors.validation(field, `segment ${quoted(segment, 63)} must be 1-63 lowercase letters, digits, '-' or '_'`);
    }
  }
  if (segments.length > 16) throw errors.validation(field, 'may have at most 16 levels');
  return `/${segments.join('/')}`;
}

/** The parent of a path; `null` for the root. */
export function parentTenantPath(path: string): string | null {
  if (path === '/') return null;
  const cut = path.lastIndexOf('/');
  return cut === 0 ? '/' : path.slice(0, cut);
}

/** True when `path` is `ancestor` itself or lies in its subtree. */
export function isWithinTenant(path: string, ancestor: string): boolean {
  if (ancestor === '/') return path.startsWith('/');
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** The path and all its ancestors, root first: `/a/b` → `/`, `/a`, `/a/b`. */
export function tenantPathLineage(path: string): string[] {
  if (path === '/') return ['/'];
  const segments = path.slice(1).split('/');
  return ['/', ...segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}`)];
}

/** The display name a tenant gets when none is given: its last path segment, `root` for `/`. */
export const defaultTenantName = (path: string): string => (path === '/' ? 'root' : path.slice(path.lastIndexOf('/') + 1));
