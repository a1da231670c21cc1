import express, { type Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where `npm run build` puts the console (vite, console/vite.config.mjs); the same path from src/pages and dist/pages. */
const CONSOLE_DIST = path.resolve(__dirname, '../../dist/console');

/**
 * The console's CSP: its own hashed script and stylesheet only (no inline script or
 * style), API calls to this origin only, no framing, forms nowhere.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const IMMUTABLE = 'public, max-age=31536000, immutable';

function setConsoleHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
}

/** What a tenant's console (served at `{I}/console`) is told by its page: where it signs in, with which client. */
interface ConsolePageConfig {
  /** The tenant's issuer `{I}`: the console signs in at `{I}/authorize` and `{I}/token`. */
  readonly issuer: string;
  /** The tenant's server-made console client (console-client.ts). */
  readonly clientId: string;
}

/** The `<meta>` element a tenant's console reads its {@link ConsolePageConfig} from (console/src/page-config.ts); no inline script. */
const CONFIG_META = 'tenant-idp-console';

const escapeAttribute = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Sends the console page: the built index.html, never cached, with `config` (a tenant's console) in a meta element. */
export type SendConsolePage = (res: Response, config?: ConsolePageConfig) => void;

/** The console page of a build: read once; without a build it answers 503 naming the command. */
export function consolePage(dist = CONSOLE_DIST): SendConsolePage {
  const indexFile = path.join(dist, 'index.html');
  let indexHtml: string | null = null;
  return (res, config) => {
    indexHtml ??= existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;
    setConsoleHeaders(res);
    res.set('Cache-Control', 'no-cache');
    if (indexHtml === null) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build`.\n');
      return;
    }
    if (!config) {
      res.type('html').send(indexHtml);
      return;
    }
    const meta = `<meta name="${CONFIG_META}" data-issuer="${escapeAttribute(config.issuer)}" data-client-id="${escapeAttribute(config.clientId)}">`;
    res.type('html').send(indexHtml.replace('</head>', `    ${meta}\n  </head>`));
  };
}

/**
 * Serves the admin console at /console: hashed assets cached for a year, the
 * page itself (for every client-side path, `/console/callback` included) never cached.
 * Without a build it answers 503 naming the command. Each tenant's console at
 * `{I}/console` is the same page (tenant-issuer-pages.router.ts) loading the same assets.
 */
export function consoleRouter(dist = CONSOLE_DIST): express.Router {
  const router = express.Router();
  router.use(
    '/console/assets',
    express.static(path.join(dist, 'assets'), {
      index: false,
      redirect: false,
      etag: false,
      setHeaders: (res) => {
        setConsoleHeaders(res as Response);
        res.setHeader('Cache-Control', IMMUTABLE);
      },
    }),
  );
  // An asset that is not there (an old hash after a deploy) is a plain 404, never the page.
  router.use('/console/assets', (_req, res) => {
    res.status(404).set('Cache-Control', 'no-store').type('text/plain').send('not found\n');
  });
  const send = consolePage(dist);
  router.get(['/console', '/console/{*rest}'], (_req, res) => send(res));
  return router;
}
