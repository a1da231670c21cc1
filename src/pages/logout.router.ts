import { Router, type Request, type Response } from 'express';
import type { Domain } from '../composition/create-domain';
import type { LogoutRequest } from '../domain/sessions/rp-initiated-logout';
import { signedOutPage, signOutPage } from './logout.page';
import { pageErrorHandler } from './page-error-handler';
import { field, pageForm } from './page-form';
import { formTargets, setPageHeaders } from './page-headers';
import type { PageKit } from './send-outcome';

/** The RP-Initiated Logout 1.0 §2 parameters, carried through the confirmation form. */
const PARAMETERS = {
  idTokenHint: 'id_token_hint',
  logoutHint: 'logout_hint',
  clientId: 'client_id',
  postLogoutRedirectUri: 'post_logout_redirect_uri',
  state: 'state',
  uiLocales: 'ui_locales',
} as const satisfies Record<keyof LogoutRequest, string>;

const parametersOf = (req: Request, post: boolean): LogoutRequest => {
  const read = (name: string): string | undefined => {
    const value = post ? field(req, name) : req.query[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return Object.fromEntries(
    Object.entries(PARAMETERS)
      .map(([key, name]) => [key, read(name)] as const)
      .filter(([, value]) => value !== undefined),
  ) as LogoutRequest;
};

/**
 * GET/POST `{I}/logout`, the issuer's `end_session_endpoint` (OIDC RP-Initiated Logout 1.0):
 * `id_token_hint`, `logout_hint`, `client_id`, `post_logout_redirect_uri`, `state`, `ui_locales`
 * (accepted; the pages have one language) are checked by the domain (RpInitiatedLogout) before
 * anything happens: a bad hint, a mismatched client or an unregistered URI is an error page, never a
 * redirect. A hint naming the browser's current session ends it at once; otherwise a live session is
 * ended only after a CSRF-protected confirmation (token bound to the session cookie), so a
 * cross-site link cannot sign the user out. Then the browser goes to the registered
 * post-logout redirect URI with `state`, or to the "signed out" page; when the session came from an
 * upstream identity provider with upstream logout, first to that provider's end_session_endpoint,
 * which returns it to `{I}/federation/{alias}/logged-out` to continue there (UpstreamLogoutService).
 */
export function logoutRouter(domain: Domain, kit: PageKit): Router {
  const router = Router();

  const handle = async (req: Request, res: Response, post: boolean) => {
    setPageHeaders(res);
    const token = kit.session.read(req);
    const session = await domain.sessions.find(token);
    const request = parametersOf(req, post);
    const plan = await domain.rpLogout.plan(kit.issuer, request, session);
    const confirmed = post && token !== undefined && kit.csrf.verify(field(req, 'csrf_token'), token, 'logout');
    // A session from an upstream identity provider: after the local logout, the browser goes on to the upstream's logout.
    const upstream = session ? await domain.upstreamLogout.endSessionRedirect(session, plan.redirectTo) : null;
    if (session && !plan.hintMatchesSession && !confirmed) {
      const carried = Object.entries(PARAMETERS).flatMap(([key, name]) => {
        const value = request[key as keyof LogoutRequest];
        return value === undefined ? [] : [[name, value] as const];
      });
      // The confirmed form is answered with a redirect to the RP: its origin must be a form target (CSP form-action).
      const targets = [upstream, plan.redirectTo].flatMap((target) => (target ? formTargets(target) : []));
      if (targets.length > 0) setPageHeaders(res, targets);
      res
        .status(200)
        .type('html')
        .send(signOutPage({ action: kit.logoutAction, csrfToken: kit.csrf.issue(token!, 'logout'), carried }));
      return;
    }
    await domain.sessions.end(token);
    if (token !== undefined) kit.session.clear(res);
    if (upstream) {
      res.set('Cache-Control', 'no-store').redirect(303, upstream);
      return;
    }
    if (plan.redirectTo) {
      res.set('Cache-Control', 'no-store').redirect(303, plan.redirectTo);
      return;
    }
    res.status(200).type('html').send(signedOutPage());
  };
  router.get('/logout', (req, res) => handle(req, res, false));
  router.post('/logout', pageForm, (req, res) => handle(req, res, true));
  router.use('/logout', pageErrorHandler);
  return router;
}
