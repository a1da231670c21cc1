import { Router, type Request, type Response } from 'express';
import type { Domain } from '../composition/create-domain';
import { signedOutPage, signOutPage } from './logout.page';
import { pageErrorHandler } from './page-error-handler';
import { field, pageForm } from './page-form';
import { setPageHeaders } from './page-headers';
import type { PageKit } from './send-outcome';

/**
 * GET/POST `/logout` (OIDC RP-Initiated Logout 1.0, simplified): with a live
 * session, asks for confirmation in a CSRF-protected form (token bound to the
 * session cookie); the confirmed POST ends the session and clears the cookie.
 * Always ends on a "signed out" page; `post_logout_redirect_uri` is not used.
 */
export function logoutRouter(domain: Domain, kit: PageKit): Router {
  const router = Router();

  const handle = async (req: Request, res: Response, confirmed: boolean) => {
    setPageHeaders(res);
    const token = kit.session.read(req);
    const session = await domain.sessions.find(token);
    if (session && !(confirmed && kit.csrf.verify(field(req, 'csrf_token'), token, 'logout'))) {
      res
        .status(200)
        .type('html')
        .send(signOutPage({ action: kit.logoutAction, csrfToken: kit.csrf.issue(token!, 'logout') }));
      return;
    }
    await domain.sessions.end(token);
    if (token !== undefined) kit.session.clear(res);
    res.status(200).type('html').send(signedOutPage());
  };
  router.get('/logout', (req, res) => handle(req, res, false));
  router.post('/logout', pageForm, (req, res) => handle(req, res, true));
  router.use('/logout', pageErrorHandler);
  return router;
}
