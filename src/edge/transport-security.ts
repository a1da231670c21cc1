/**
 * Headers every response carries for the issuer's scheme: with an https
 * issuer, `Strict-Transport-Security` for one year on this host only (no
 * `includeSubDomains`: the issuer's parent domain may serve other things over
 * http; no `preload`); with an http issuer (local development), none.
 */
export function transportSecurityHeaders(issuer: string): Readonly<Record<string, string>> {
  return new URL(issuer).protocol === 'https:' ? { 'Strict-Transport-Security': 'max-age=31536000' } : {};
}
