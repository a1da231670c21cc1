import { Router, type Request, type Response } from 'express';
import type { Domain } from '../composition/create-domain';
import { randomToken } from '../domain/crypto/random';
import type { ServerSecret } from '../domain/crypto/server-secret';
import type { DeviceVerificationOutcome, VerificationIssuer } from '../domain/device-authorization/device-verification.service';
import { errors } from '../domain/errors';
import type { RequestScopeFactory } from '../edge/request-scope-factory';
import { browserCookies, deviceInteractionCookie, pagePath } from './browser-cookies';
import { CsrfTokens } from './csrf';
import { codeEntryPage, deviceConsentPage, deviceDonePage, deviceSignInPage, deviceSecondFactorPage } from './device.page';
import { errorPage } from './error.page';
import { pageErrorHandler } from './page-error-handler';
import { field, pageForm } from './page-form';
import { formPageStatus, setPageHeaders } from './page-headers';

/**
 * The verification page of the device authorization grant (RFC 8628 §3.3) at `{I}/device`
 * (`issuer` is the root issuer or a tenant issuer, `tenant` null or that tenant):
 * - GET `{I}/device[?user_code=…]`: the code form (prefilled, §3.3.1);
 * - POST `{I}/device`: the typed code (throttled per source);
 * - POST `{I}/device/login`: the sign-in form, for a user of the client's tenant;
 * - POST `{I}/device/second-factor`: a TOTP or recovery code, for a user who owes a second factor;
 * - POST `{I}/device/second-factor/passkey`: one of the user's passkeys instead (the shared passkey
 *   script, `{I}/authorize/passkey.js`, signs the page's challenge);
 * - POST `{I}/device/consent`: Approve or Deny (`decision=approve|deny`).
 * Every form carries a CSRF token bound to the `device` cookie; the pages have the hosted
 * pages' CSP (forms post to this origin only) and are never cached.
 */
export function deviceRouter(
  domain: Domain,
  secret: ServerSecret,
  scopeFor: RequestScopeFactory,
  issuer: string,
  tenant: VerificationIssuer,
): Router {
  const router = Router();
  const binder = deviceInteractionCookie(issuer);
  const { session } = browserCookies(issuer);
  const csrf = new CsrfTokens(secret);
  const actions = {
    code: pagePath(issuer, '/device'),
    login: pagePath(issuer, '/device/login'),
    consent: pagePath(issuer, '/device/consent'),
    secondFactor: pagePath(issuer, '/device/second-factor'),
    secondFactorPasskey: pagePath(issuer, '/device/second-factor/passkey'),
    passkeyScript: pagePath(issuer, '/authorize/passkey.js'),
  };

  const send = (res: Response, outcome: DeviceVerificationOutcome, binding: string) => {
    setPageHeaders(res);
    switch (outcome.kind) {
      case 'error-page':
        res.status(400).type('html').send(errorPage(outcome.error));
        return;
      case 'enter-code':
        binder.set(res, binding);
        res
          .status(formPageStatus(res, outcome))
          .type('html')
          .send(
            codeEntryPage({
              userCode: outcome.userCode,
              failed: outcome.failed,
              retryAfterSeconds: outcome.retryAfterSeconds,
              csrfToken: csrf.issue(binding, 'device-code'),
              action: actions.code,
            }),
          );
        return;
      case 'sign-in':
        binder.set(res, binding);
        res
          .status(formPageStatus(res, outcome))
          .type('html')
          .send(
            deviceSignInPage({
              screen: outcome.screen,
              csrfToken: csrf.issue(binding, 'device-sign-in'),
              action: actions.login,
              failed: outcome.failed,
              username: outcome.username,
              retryAfterSeconds: outcome.retryAfterSeconds,
            }),
          );
        return;
      case 'consent':
        binder.set(res, binding);
        res
          .status(200)
          .type('html')
          .send(
            deviceConsentPage({
              screen: outcome.screen,
              user: outcome.user,
              csrfToken: csrf.issue(binding, 'device-consent'),
              action: actions.consent,
            }),
          );
        return;
      case 'second-factor':
        // The passkey form runs the shared script (script-src 'self'), like /authorize's second-factor page.
        if (outcome.passkey) setPageHeaders(res, [], ["'self'"]);
        binder.set(res, binding);
        res
          .status(formPageStatus(res, outcome))
          .type('html')
          .send(
            deviceSecondFactorPage({
              screen: outcome.screen,
              csrfToken: csrf.issue(binding, 'device-second-factor'),
              action: actions.secondFactor,
              failed: outcome.failed,
              retryAfterSeconds: outcome.retryAfterSeconds,
              message: outcome.message,
              passkey: outcome.passkey && {
                action: actions.secondFactorPasskey,
                ceremony: outcome.passkey,
                scriptSrc: actions.passkeyScript,
              },
            }),
          );
        return;
      case 'done':
        binder.clear(res);
        res.status(200).type('html').send(deviceDonePage(outcome));
        return;
    }
  };

  /** The browser's binding for a posted form, after its CSRF token checked out for `purpose`. */
  const checkedBinding = (req: Request, purpose: string): string => {
    const binding = binder.read(req);
    if (!binding || !csrf.verify(field(req, 'csrf_token'), binding, purpose)) throw csrfFailure();
    return binding;
  };
  const browser = (req: Request, binding: string) => ({
    sessionToken: session.read(req),
    binding,
    scope: scopeFor(req, String(req.id)),
  });

  router.get('/device', (req, res) => {
    const userCode = typeof req.query.user_code === 'string' ? req.query.user_code : undefined;
    const existing = binder.read(req);
    send(res, domain.deviceVerification.codeForm(userCode), existing && BINDING.test(existing) ? existing : randomToken(32));
  });

  router.post('/device', pageForm, async (req, res) => {
    const binding = checkedBinding(req, 'device-code');
    send(res, await domain.deviceVerification.enterCode(field(req, 'user_code'), tenant, browser(req, binding)), binding);
  });

  router.post('/device/login', pageForm, async (req, res) => {
    const binding = checkedBinding(req, 'device-sign-in');
    const { outcome, started } = await domain.deviceVerification.signIn(
      { pending: field(req, 'pending'), username: field(req, 'username'), password: field(req, 'password') },
      browser(req, binding),
    );
    if (started) session.set(res, started.token);
    send(res, outcome, binding);
  });

  router.post('/device/second-factor', pageForm, async (req, res) => {
    const binding = checkedBinding(req, 'device-second-factor');
    const { outcome, started } = await domain.deviceVerification.verifySecondFactor(
      { pending: field(req, 'pending'), code: field(req, 'code') },
      browser(req, binding),
    );
    if (started) session.set(res, started.token);
    send(res, outcome, binding);
  });

  router.post('/device/second-factor/passkey', pageForm, async (req, res) => {
    const binding = checkedBinding(req, 'device-second-factor');
    const { outcome, started } = await domain.deviceVerification.verifySecondFactorPasskey(
      { pending: field(req, 'pending'), ticket: field(req, 'passkey_ticket'), response: field(req, 'response') },
      browser(req, binding),
    );
    if (started) session.set(res, started.token);
    send(res, outcome, binding);
  });

  router.post('/device/consent', pageForm, async (req, res) => {
    const binding = checkedBinding(req, 'device-consent');
    const decision = field(req, 'decision');
    if (decision !== 'approve' && decision !== 'deny') throw errors.invalidRequest('decision must be approve or deny', 'decision');
    send(
      res,
      await domain.deviceVerification.decide({ pending: field(req, 'pending'), approve: decision === 'approve' }, browser(req, binding)),
      binding,
    );
  });

  router.use('/device', pageErrorHandler);
  return router;
}

/** A form binding this server made (32 random bytes, base64url). */
const BINDING = /^[A-Za-z0-9_-]{43}$/;

const csrfFailure = () =>
  errors.invalidRequest('this form has expired or was not submitted from this site; go back to your device and start again', 'csrf_token');
