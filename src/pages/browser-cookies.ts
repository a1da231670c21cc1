import type { CookieOptions, Request, Response } from 'express';
import { INTERACTION_LIFETIME_SECONDS } from '../domain/authorize/pending-authorization';
import { SESSION_LIFETIME_SECONDS } from '../domain/sessions/browser-session';

/** Reads one cookie from the Cookie header (RFC 6265 §5.4); undefined when absent or repeated ambiguously. */
function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

/** One named cookie with fixed attributes. */
export interface BrowserCookie {
  readonly name: string;
  read(req: Request): string | undefined;
  set(res: Response, value: string): void;
  clear(res: Response): void;
}

function cookie(name: string, options: CookieOptions & { maxAgeSeconds: number }): BrowserCookie {
  const { maxAgeSeconds, ...attributes } = options;
  return {
    name,
    read: (req) => readCookie(req, name),
    set: (res, value) => {
      res.cookie(name, value, { ...attributes, maxAge: maxAgeSeconds * 1000 });
    },
    clear: (res) => {
      res.clearCookie(name, attributes);
    },
  };
}

/**
 * The hosted pages' cookies, all HttpOnly and SameSite=Lax; with an https
 * issuer `__Host-` prefixed (so Secure, Path=/ and no Domain, which browsers
 * enforce: no subdomain or plain-http page can set or shadow them):
 * - `session`: the browser session (256-bit random, Path=/, 8 h);
 * - `interaction`: a short-lived random value that sign-in and consent forms
 *   are bound to (CSRF).
 * With a plain-http issuer (local development) they are unprefixed and not
 * Secure, and the interaction cookie's Path is the authorization endpoint.
 */
export function browserCookies(issuer: string): { session: BrowserCookie; interaction: BrowserCookie } {
  const url = new URL(issuer);
  const secure = url.protocol === 'https:';
  const base = url.pathname.replace(/\/+$/, '');
  const common: CookieOptions = { httpOnly: true, sameSite: 'lax', secure };
  return {
    session: cookie(secure ? '__Host-idp_session' : 'idp_session', { ...common, path: '/', maxAgeSeconds: SESSION_LIFETIME_SECONDS }),
    interaction: cookie(secure ? '__Host-idp_interaction' : 'idp_interaction', {
      ...common,
      path: secure ? '/' : `${base}/authorize`,
      maxAgeSeconds: INTERACTION_LIFETIME_SECONDS,
    }),
  };
}

/**
 * The device verification page's form binding (RFC 8628 §3.3), like `interaction` but for
 * `{I}/device`: HttpOnly, SameSite=Lax, `__Host-` prefixed with an https issuer; with a
 * plain-http issuer its Path is the page.
 */
export function deviceInteractionCookie(issuer: string): BrowserCookie {
  const url = new URL(issuer);
  const secure = url.protocol === 'https:';
  return cookie(secure ? '__Host-idp_device' : 'idp_device', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: secure ? '/' : `${url.pathname.replace(/\/+$/, '')}/device`,
    maxAgeSeconds: INTERACTION_LIFETIME_SECONDS,
  });
}

/** Where the pages live below the issuer (for form actions), e.g. `/authorize/login`. */
export const pagePath = (issuer: string, path: string): string => `${new URL(issuer).pathname.replace(/\/+$/, '')}${path}`;

/**
 * The per-attempt value a federated sign-in's `state` is bound to (issue 23), for the provider's
 * callback `{I}/federation/{alias}/callback` (given as `callbackUrl`): HttpOnly, SameSite=Lax
 * (sent on the upstream's top-level redirect back), `__Host-` prefixed with https; with plain
 * http its Path is the callback's `{I}/federation`.
 */
export function federationCookie(callbackUrl: string): BrowserCookie {
  const url = new URL(callbackUrl);
  const secure = url.protocol === 'https:';
  const path = url.pathname.replace(/\/federation\/.*$/, '/federation');
  return cookie(secure ? '__Host-idp_federation' : 'idp_federation', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: secure ? '/' : path,
    maxAgeSeconds: INTERACTION_LIFETIME_SECONDS,
  });
}
