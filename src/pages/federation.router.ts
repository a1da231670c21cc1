import { Router, type Request, type Response } from 'express';
import type { Domain } from '../composition/create-domain';
import type { Tenant } from '../domain/tenants/tenant';
import type { RequestScopeFactory } from '../edge/request-scope-factory';
import { oauthErrorResponse } from '../oauth-rest/oauth-error-response';
import { federationCookie, browserCookies } from './browser-cookies';
import { html } from './html';
import { renderPage } from './layout';
import { signedOutContinuePage, signedOutPage } from './logout.page';
import { pageErrorHandler } from './page-error-handler';
import { field, pageForm } from './page-form';
import { setPageHeaders } from './page-headers';

/**
 * `GET {I}/federation/{alias}/callback` (issue 23), `{I}` the issuer of the provider's tenant: where
 * an upstream identity provider sends the browser back. The federated sign-in service checks the
 * sealed `state` against the federation cookie (single use), has the code redeemed and the ID
 * token validated, and signs the user in; the browser then continues its pending authorization
 * request at `{I'}/authorize/federated` of the issuer it began at. Any failure is an error page
 * (400, no session, nothing created; audited as `federatedSignIn`).
 */
export function federationRouter(
  domain: Domain,
  scopeFor: RequestScopeFactory,
  issuer: string,
  tenantOf: () => Promise<Tenant> | Tenant,
): Router {
  const router = Router();
  const session = browserCookies(domain.issuer).session;
  router.get('/federation/:alias/callback', async (req: Request<{ alias: string }>, res: Response) => {
    const tenant = await tenantOf();
    const callbackUrl = `${issuer.replace(/\/+$/, '')}/federation/${encodeURIComponent(req.params.alias)}/callback`;
    const cookie = federationCookie(callbackUrl);
    const binding = cookie.read(req);
    cookie.clear(res);
    const query = new URL(req.originalUrl, callbackUrl).search;
    const done = await domain.federation.complete(
      tenant,
      req.params.alias,
      {
        callbackUrl: `${callbackUrl}${query}`,
        state: typeof req.query.state === 'string' ? req.query.state : undefined,
        binding,
        previousSession: session.read(req),
      },
      scopeFor(req, String(req.id)),
    );
    // A fresh cookie value on every sign-in (no fixation); the session rule is BrowserSessionService.signIn's.
    if (done.kind === 'signed-in') session.set(res, done.started.token);
    // A page, not a redirect: the redirects after the upstream's sign-in form are bound by that page's
    // CSP form-action, which cannot know the application this request returns to. The page's own
    // refresh starts a fresh navigation (no script needed); the link is the fallback.
    setPageHeaders(res);
    res.status(200).type('html').send(continuePage(done.location, done.kind));
  });
  // OIDC Back-Channel Logout 1.0 §2.5, the RP side: the upstream POSTs `logout_token` (server to server, no cookies).
  // 200 when valid (whether or not a session matched), 400 `invalid_request` otherwise (§2.8); checks in UpstreamLogoutService.
  router.post('/federation/:alias/backchannel-logout', pageForm, async (req: Request<{ alias: string }>, res: Response) => {
    res.set('Cache-Control', 'no-store');
    try {
      const tenant = await tenantOf();
      await domain.upstreamLogout.backchannelLogout(tenant, req.params.alias, field(req, 'logout_token'), scopeFor(req, String(req.id)));
      res.status(200).end();
    } catch (error) {
      const response = oauthErrorResponse(error);
      if (response.unexpected) req.log?.error({ err: error }, 'upstream back-channel logout failed');
      res.status(response.status).set(response.headers).json(response.body);
    }
  });
  // Where the upstream's logout sends the browser back: on to the RP's post-logout redirect URI sealed in `state`, or "signed out".
  router.get('/federation/:alias/logged-out', async (req: Request<{ alias: string }>, res: Response) => {
    const tenant = await tenantOf();
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const location = await domain.upstreamLogout.loggedOut(tenant, req.params.alias, state);
    setPageHeaders(res);
    res
      .status(200)
      .type('html')
      .send(location ? signedOutContinuePage(location) : signedOutPage());
  });
  router.use('/federation', pageErrorHandler);
  return router;
}

/** "Signed in" (or on to the link page, or back to the account page): continues at `location` (same origin) at once by refresh, or by the link. */
function continuePage(location: string, kind: 'signed-in' | 'link' | 'linked'): string {
  const title = kind === 'signed-in' ? 'Signed in' : kind === 'link' ? 'Account found' : 'Linked';
  const lead = kind === 'signed-in' ? 'Continuing to the application…' : kind === 'link' ? 'Continuing…' : 'Back to your account…';
  return renderPage(
    title,
    html`<p class="eyebrow">Sign-in</p>
<h1>${title}</h1>
<p class="lead">${lead}</p>
<p><a href="${location}">Continue</a></p>`,
    [],
    html`<meta http-equiv="refresh" content="0;url=${location}">
`,
  );
}
