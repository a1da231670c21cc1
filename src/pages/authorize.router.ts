import { Router, type Request, type Response } from 'express';
import type { RawAuthorizationParams } from '../domain/authorize/authorization-request';
import type { Domain } from '../composition/create-domain';
import { errors } from '../domain/errors';
import type { RequestScopeFactory } from '../edge/request-scope-factory';
import { pageErrorHandler } from './page-error-handler';
import { PASSKEY_SCRIPT } from './passkey-script';
import { field, pageForm } from './page-form';
import { bindingFor, sendOutcome, type PageKit } from './send-outcome';

/**
 * The authorization endpoint and its forms (RFC 6749 §4.1, OIDC Core §3.1.2):
 * - GET and POST `/authorize`: the authorization request (query or form);
 * - POST `/authorize/login`: the sign-in form;
 * - POST `/authorize/consent`: the consent form (`decision=allow|deny`);
 * - POST `/authorize/second-factor`, `/authorize/enrol-factor`, `/authorize/continue`: the second factor
 *   after the password (a TOTP or recovery code; enrolment when one is owed and none is set up);
 * - POST `/authorize/passkey` (a passkey alone, from the sign-in form) and `/authorize/second-factor/passkey`
 *   (a passkey as the second factor); GET `/authorize/passkey.js`, the script both pages load.
 * Both forms carry the sealed pending request and a CSRF token bound to the
 * `interaction` cookie; a missing or wrong token is an error page.
 */
export function authorizeRouter(domain: Domain, kit: PageKit, scopeFor: RequestScopeFactory): Router {
  const router = Router();

  const start = async (req: Request, params: RawAuthorizationParams, res: Response) => {
    const binding = bindingFor(kit, kit.interaction.read(req));
    const outcome = await domain.authorize.start(params, { sessionToken: kit.session.read(req), binding });
    sendOutcome(res, kit, outcome, binding, false);
  };
  router.get('/authorize', (req, res) => start(req, req.query as RawAuthorizationParams, res));
  router.post('/authorize', pageForm, (req, res) => start(req, (req.body ?? {}) as RawAuthorizationParams, res));

  router.post('/authorize/login', pageForm, async (req, res) => {
    const binding = kit.interaction.read(req);
    if (!kit.csrf.verify(field(req, 'csrf_token'), binding, 'sign-in')) throw csrfFailure();
    const { outcome, started } = await domain.authorize.signIn(
      {
        pending: field(req, 'pending'),
        username: field(req, 'username'),
        password: field(req, 'password'),
        provider: field(req, 'provider'),
      },
      { sessionToken: kit.session.read(req), binding, scope: scopeFor(req, String(req.id)) },
      kit.federatedAction,
    );
    if (started) kit.session.set(res, started.token);
    sendOutcome(res, kit, outcome, binding!, true);
  });

  const factorForm = (purpose: 'second-factor' | 'enrol-factor') => async (req: Request, res: Response) => {
    const binding = kit.interaction.read(req);
    if (!kit.csrf.verify(field(req, 'csrf_token'), binding, purpose)) throw csrfFailure();
    const form = { pending: field(req, 'pending'), code: field(req, 'code') };
    const browser = { sessionToken: kit.session.read(req), binding, scope: scopeFor(req, String(req.id)) };
    const { outcome, started } =
      purpose === 'second-factor'
        ? await domain.authorize.verifySecondFactor(form, browser)
        : await domain.authorize.enrolSecondFactor(form, browser);
    if (started) kit.session.set(res, started.token);
    sendOutcome(res, kit, outcome, binding!, true);
  };
  router.post('/authorize/second-factor', pageForm, factorForm('second-factor'));

  router.get('/authorize/passkey.js', (_req, res) => {
    res
      .set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' })
      .send(PASSKEY_SCRIPT);
  });
  const passkeyForm = (purpose: 'sign-in' | 'second-factor') => async (req: Request, res: Response) => {
    const binding = kit.interaction.read(req);
    if (!kit.csrf.verify(field(req, 'csrf_token'), binding, purpose)) throw csrfFailure();
    const form = { pending: field(req, 'pending'), ticket: field(req, 'passkey_ticket'), response: field(req, 'response') };
    const browser = { sessionToken: kit.session.read(req), binding, scope: scopeFor(req, String(req.id)) };
    const { outcome, started } =
      purpose === 'sign-in'
        ? await domain.authorize.signInWithPasskey(form, browser)
        : await domain.authorize.verifySecondFactorPasskey(form, browser);
    if (started) kit.session.set(res, started.token);
    sendOutcome(res, kit, outcome, binding!, true);
  };
  router.post('/authorize/passkey', pageForm, passkeyForm('sign-in'));
  router.post('/authorize/second-factor/passkey', pageForm, passkeyForm('second-factor'));
  router.post('/authorize/enrol-factor', pageForm, factorForm('enrol-factor'));

  router.post('/authorize/continue', pageForm, async (req, res) => {
    const binding = kit.interaction.read(req);
    if (!kit.csrf.verify(field(req, 'csrf_token'), binding, 'continue')) throw csrfFailure();
    const outcome = await domain.authorize.continueAfterEnrolment(
      { pending: field(req, 'pending') },
      { sessionToken: kit.session.read(req), binding },
    );
    sendOutcome(res, kit, outcome, binding!, true);
  });

  // After a federated sign-in (federation.router.ts): the pending request goes on with the session the callback started.
  router.get('/authorize/federated', async (req, res) => {
    const binding = kit.interaction.read(req);
    const pending = typeof req.query.pending === 'string' ? req.query.pending : undefined;
    const outcome = await domain.authorize.resumeFederated({ pending }, { sessionToken: kit.session.read(req), binding });
    sendOutcome(res, kit, outcome, binding ?? bindingFor(kit, undefined), false);
  });

  // A first federated sign-in that collides with an existing account: that account's own sign-in links the provider.
  router.get('/authorize/federated/link', async (req, res) => {
    const binding = kit.interaction.read(req);
    const query = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const outcome = await domain.authorize.startLink({ pending: query('pending'), link: query('link') }, { binding });
    sendOutcome(res, kit, outcome, binding ?? bindingFor(kit, undefined), false);
  });
  router.post('/authorize/federated/link', pageForm, async (req, res) => {
    const binding = kit.interaction.read(req);
    if (!kit.csrf.verify(field(req, 'csrf_token'), binding, 'link')) throw csrfFailure();
    const { outcome, started } = await domain.authorize.linkAccount(
      { pending: field(req, 'pending'), password: field(req, 'password'), cancel: field(req, 'cancel') !== undefined },
      { sessionToken: kit.session.read(req), binding, scope: scopeFor(req, String(req.id)) },
    );
    if (started) kit.session.set(res, started.token);
    sendOutcome(res, kit, outcome, binding!, true);
  });

  router.post('/authorize/consent', pageForm, async (req, res) => {
    const binding = kit.interaction.read(req);
    if (!kit.csrf.verify(field(req, 'csrf_token'), binding, 'consent')) throw csrfFailure();
    const decision = field(req, 'decision');
    if (decision !== 'allow' && decision !== 'deny') throw errors.invalidRequest('decision must be allow or deny', 'decision');
    const outcome = await domain.authorize.decide(
      { pending: field(req, 'pending'), allow: decision === 'allow' },
      { sessionToken: kit.session.read(req), binding },
    );
    sendOutcome(res, kit, outcome, binding!, true);
  });

  router.use('/authorize', pageErrorHandler);
  return router;
}

const csrfFailure = () =>
  errors.invalidRequest(
    'this form has expired or was not submitted from this site; return to the application and start again',
    'csrf_token',
  );
