import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Domain } from '../composition/create-domain';
import { UNTRUSTED_LINK_TEXT } from '../domain/authorize/authorize.service';
import { ensureConsoleClient } from '../domain/console/console-client';
import { isPromise } from '../domain/util/maybe-promise';
import { TtlCache } from '../domain/cache/ttl-cache';
import type { ServerSecret } from '../domain/crypto/server-secret';
import { DomainError, isDomainError } from '../domain/errors';
import type { Tenant } from '../domain/tenants/tenant';
import type { RequestScopeFactory } from '../edge/request-scope-factory';
import { oauthErrorResponse } from '../oauth-rest/oauth-error-response';
import { authorizeRouter } from './authorize.router';
import { browserCookies, pagePath } from './browser-cookies';
import { logoutRouter } from './logout.router';
import { field, pageForm } from './page-form';
import { bindingFor, pageKit, sendOutcome, type PageKit } from './send-outcome';
import { consolePage, type SendConsolePage } from './console.router';
import { deviceRouter } from './device.router';
import { passwordRouter } from './password.router';
import { federationRouter } from './federation.router';

/** One tenant issuer's pages: its form actions and interaction cookie live under `{I}`. */
interface TenantPages {
  readonly kit: PageKit;
  readonly router: Router;
}

/**
 * The hosted pages of every tenant issuer `{ISSUER}/t/{segment}` (see
 * src/domain/issuers/tenant-issuer.ts), needing no `?tenant=`:
 * - `{I}/authorize` (GET/POST) with its sign-in and consent forms posted to
 *   `{I}/authorize/login` and `{I}/authorize/consent`: only the tenant's own
 *   clients (any other client_id gets the same error page as an unknown one),
 *   so only its users sign in; the response's RFC 9207 `iss` is `{I}`;
 * - `{I}/logout`: the same confirmation and sign-out as `/logout`;
 * - `{I}/device`: the device verification page (RFC 8628 §3.3), for codes of the tenant's clients only;
 * - `{I}/account`: the account page for the tenant's users (the `/account`
 *   flow with the tenant taken from the issuer);
 * - `{I}/console` (and every path below it, `{I}/console/callback` included):
 *   the admin console, signing in at `{I}` with the tenant's own console client,
 *   which the first load makes (console-client.ts).
 * An unknown or malformed segment answers 404 `invalid_request` "unknown issuer".
 */
export function tenantIssuerPagesRouter(domain: Domain, secret: ServerSecret, scopeFor: RequestScopeFactory): Router {
  const outer = Router();
  const pages = new TtlCache<TenantPages>({ ttlMs: 3600_000, maxEntries: 1_000 });
  const sendConsole = consolePage();
  const pagesOf = (tenant: Tenant): TenantPages => {
    let found = pages.peek(tenant.path);
    if (!found) {
      const kit = pageKit(
        domain.tenantIssuers.issuerOf(tenant.path),
        secret,
        domain.passwordReset.enabled ? (path) => pagePath(domain.tenantIssuers.issuerOf(path), '/password/forgot') : undefined,
      );
      const router = Router();
      router.use(['/authorize'], pageForm, ownClientsOnly(domain, kit, tenant));
      router.use(authorizeRouter(domain, kit, scopeFor));
      router.use(logoutRouter(domain, kit));
      router.get('/account', accountOf(domain, tenant));
      router.use(passwordRouter(domain, scopeFor, domain.tenantIssuers.issuerOf(tenant.path), () => tenant));
      router.use(federationRouter(domain, scopeFor, domain.tenantIssuers.issuerOf(tenant.path), () => tenant));
      router.use(deviceRouter(domain, secret, scopeFor, domain.tenantIssuers.issuerOf(tenant.path), tenant));
      router.get(['/console', '/console/{*rest}'], consoleOf(domain, tenant, sendConsole));
      found = { kit, router };
      pages.set(tenant.path, found);
    }
    return found;
  };

  outer.use('/t/:issuer', (req: Request<{ issuer: string }>, res: Response, next: NextFunction) => {
    const answer = (tenant: Tenant) => pagesOf(tenant).router(req, res, next);
    const fail = (error: unknown) => {
      const response = oauthErrorResponse(error);
      if (response.unexpected) return next(error);
      res.status(response.status).set(response.headers).json(response.body);
    };
    try {
      const tenant = domain.tenantIssuers.resolve(req.params.issuer);
      if (isPromise(tenant)) tenant.then(answer, fail);
      else answer(tenant);
    } catch (error) {
      fail(error);
    }
  });
  return outer;
}

/** `{I}/authorize` with a client_id of another tenant (or none known) gets the page an unknown client gets. */
function ownClientsOnly(domain: Domain, kit: PageKit, tenant: Tenant) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/') return next();
    const clientId =
      req.method === 'POST' ? field(req, 'client_id') : typeof req.query.client_id === 'string' ? req.query.client_id : undefined;
    const client = clientId === undefined ? null : await domain.clients.findByClientId(clientId);
    // No client_id at all: the authorization endpoint answers that itself.
    if (clientId === undefined || client?.tenantId === tenant.id) return next();
    const binding = bindingFor(kit, kit.interaction.read(req));
    sendOutcome(
      res,
      kit,
      { kind: 'error-page', error: new DomainError('invalid_request', UNTRUSTED_LINK_TEXT, { detail: 'a client of another tenant' }) },
      binding,
      false,
    );
  };
}

/**
 * `{I}/account`: a browser signed in as one of the tenant's users goes to its
 * account page; anyone else to the tenant's account sign-in (`/account` with
 * the tenant taken from the issuer).
 */
function accountOf(domain: Domain, tenant: Tenant) {
  return async (req: Request, res: Response) => {
    const session = await domain.sessions.find(browserCookies(domain.issuer).session.read(req));
    const query = new URLSearchParams({ tenant: tenant.path });
    const target =
      session?.tenantId === tenant.id ? pagePath(domain.issuer, '/account') : `${pagePath(domain.issuer, '/account/sign-in')}?${query}`;
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).redirect(302, target);
  };
}

/**
 * `{I}/console`: the console page, told (in a meta element) to sign in at `{I}` with the tenant's
 * console client, made now when missing. A client of that reserved id in another tenant makes it 409.
 */
function consoleOf(domain: Domain, tenant: Tenant, send: SendConsolePage) {
  return async (_req: Request, res: Response, next: NextFunction) => {
    const issuer = domain.tenantIssuers.issuerOf(tenant.path);
    try {
      const client = await ensureConsoleClient(domain.clients, tenant, issuer);
      send(res, { issuer, clientId: client.clientId });
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'conflict') return next(error);
      res.status(409).set('Cache-Control', 'no-store').type('text/plain').send(`${error.message}\n`);
    }
  };
}
