import { normalizeTenantPath } from '../tenants/tenant-path';

/**
 * Every tenant is an OAuth 2.0 / OpenID Connect issuer of its own.
 *
 * Shape: the root tenant `/` keeps the server's `ISSUER` itself; any other
 * tenant's issuer is `{ISSUER}/t/{segments joined by "."}`: `/acme` →
 * `{ISSUER}/t/acme`, `/acme/eu` → `{ISSUER}/t/acme.eu`. Tenant path segments
 * are `[a-z0-9_-]` (tenant-path.ts), so "." never occurs inside one and the
 * mapping is one-to-one; the one-segment `/t/` prefix keeps every tenant
 * issuer off the root's own endpoints (`/token`, `/authorize`, …).
 */

/** The path prefix under `ISSUER` that every non-root tenant issuer starts with. */
const TENANT_ISSUER_PREFIX = '/t/';

const trimSlashes = (base: string): string => base.replace(/\/+$/, '');

/** The issuer segment of a non-root tenant path: `/acme/eu` → `acme.eu`. */
const issuerSegmentOf = (path: string): string => path.slice(1).split('/').join('.');

/** The issuer URL of the tenant at `path`, under `issuerBase` (the server's `ISSUER`). */
export function tenantIssuer(issuerBase: string, path: string): string {
  if (path === '/') return issuerBase;
  return `${trimSlashes(issuerBase)}${TENANT_ISSUER_PREFIX}${issuerSegmentOf(path)}`;
}

/**
 * The tenant path named by an issuer segment (`acme.eu` → `/acme/eu`), or null
 * when the segment is malformed (empty parts, characters outside a tenant
 * path, more levels than a tenant may have). It does not say whether the
 * tenant exists.
 */
export function tenantPathFromIssuerSegment(segment: string): string | null {
  if (segment.length === 0 || segment.length > 1100) return null;
  try {
    const path = normalizeTenantPath(`/${segment.split('.').join('/')}`, 'issuer');
    // normalizeTenantPath tolerates a trailing slash and surrounding blanks; an issuer segment must be exact.
    return issuerSegmentOf(path) === segment ? path : null;
  } catch {
    return null;
  }
}

/**
 * The tenant path of an issuer URL under `issuerBase`: `/` for the base
 * itself, the tenant's path for `{base}/t/{segment}`, null for anything else.
 */
export function tenantPathOfIssuer(issuerBase: string, issuer: string): string | null {
  if (issuer === issuerBase) return '/';
  const prefix = `${trimSlashes(issuerBase)}${TENANT_ISSUER_PREFIX}`;
  if (!issuer.startsWith(prefix)) return null;
  return tenantPathFromIssuerSegment(issuer.slice(prefix.length));
}
