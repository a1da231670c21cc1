import type { Response } from 'express';

/**
 * `form-action` sources for a page whose form may end in a redirect to
 * `redirectUri`: browsers apply `form-action` to every redirect that follows
 * a form submission, so the client's origin (or private scheme) must be
 * allowed next to 'self'.
 */
export function formTargets(redirectUri: string): string[] {
  const url = new URL(redirectUri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? [url.origin] : [url.protocol];
}

/**
 * Headers of every hosted page: a strict CSP (no scripts but the form_post page's own, by hash; no external
 * assets, forms only to us or the pending redirect target, no framing),
 * `X-Frame-Options: DENY` against clickjacking (RFC 6749 §10.13, RFC 9700
 * §4.7), and `no-store` so credentials and codes are never cached.
 */
export function setPageHeaders(
  res: Response,
  targets: readonly string[] = [],
  scriptSources: readonly string[] = [],
  /** Pages that show a QR code as a `data:` image (second-factor enrolment): `img-src data:` and nothing more. */
  dataImages = false,
): void {
  const formAction = ["'self'", ...targets].join(' ');
  // Only the form_post page runs a script, allowed by its hash (form-post.page.ts).
  const scripts = scriptSources.length > 0 ? `script-src ${scriptSources.join(' ')}; ` : '';
  const images = dataImages ? 'img-src data:; ' : '';
  res.set({
    'Content-Security-Policy': `default-src 'none'; ${scripts}${images}style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
}

/**
 * The status of a form page shown again: 429 with `Retry-After` while its throttle holds, 400 after a
 * failed attempt, else 200.
 */
export function formPageStatus(res: Response, outcome: { retryAfterSeconds?: number; failed?: boolean }): number {
  if (outcome.retryAfterSeconds !== undefined) {
    res.set('Retry-After', String(outcome.retryAfterSeconds));
    return 429;
  }
  return outcome.failed ? 400 : 200;
}
