/**
 * What a tenant's console is told by the page it was served with (`{I}/console`, src/pages/console.router.ts):
 * the tenant's issuer `{I}`, where it signs in, and the tenant's console client. The root console at `/console`
 * is told nothing and signs in at ISSUER with `console` (or a `?client_id=`), as it always has.
 */
export interface TenantConsoleConfig {
  issuer: string;
  clientId: string;
}

/** The name of the meta element carrying the config in `data-issuer` and `data-client-id` (no inline script: the CSP forbids it). */
const CONFIG_META = 'tenant-idp-console';

/** The config of a tenant's console page; null on the root console's page (or a meta element missing either value). */
export function tenantConsoleConfig(doc: Pick<Document, 'querySelector'>): TenantConsoleConfig | null {
  const meta = doc.querySelector<HTMLMetaElement>(`meta[name="${CONFIG_META}"]`);
  const issuer = meta?.dataset.issuer;
  const clientId = meta?.dataset.clientId;
  return issuer && clientId ? { issuer: issuer.replace(/\/+$/, ''), clientId } : null;
}

/** The console's own path under an issuer: `/console` at ISSUER, `/t/acme/console` at `{ISSUER}/t/acme`. */
export const consolePathOf = (issuer: string): string => `${new URL(issuer).pathname.replace(/\/+$/, '')}/console`;
