import type { Response } from 'express';
import type { AuthorizeOutcome } from '../domain/authorize/authorize-outcome';
import type { ServerSecret } from '../domain/crypto/server-secret';
import { randomToken } from '../domain/crypto/random';
import { browserCookies, federationCookie, pagePath, type BrowserCookie } from './browser-cookies';
import { consentPage } from './consent.page';
import { CsrfTokens } from './csrf';
import { errorPage } from './error.page';
import { FORM_POST_SCRIPT_SOURCE, formPostPage } from './form-post.page';
import { formPageStatus, formTargets, setPageHeaders } from './page-headers';
import { signInPage } from './sign-in.page';
import { linkAccountPage } from './link-account.page';
import { enrolFactorPage, recoveryCodesPage, secondFactorPage } from './second-factor.page';

/** What the authorization pages share: cookies, CSRF tokens and form actions. */
export interface PageKit {
  /** The issuer these pages belong to (the root issuer or a tenant issuer). */
  issuer: string;
  session: BrowserCookie;
  interaction: BrowserCookie;
  csrf: CsrfTokens;
  loginAction: string;
  consentAction: string;
  logoutAction: string;
  secondFactorAction: string;
  enrolFactorAction: string;
  continueAction: string;
  /** Passkeys: the sign-in with a passkey alone, the passkey as the second factor, and the script of both pages. */
  passkeyAction: string;
  secondFactorPasskeyAction: string;
  passkeyScript: string;
  /** `{I}/authorize/federated`: where a federated sign-in continues its pending request. */
  federatedAction: string;
  /** `{I}/authorize/federated/link`: the page linking an upstream identity to an existing account. */
  linkAction: string;
  /** The "Forgot password?" page of a tenant's issuer; absent when email flows are off. */
  forgotPassword?: (tenantPath: string) => string;
}

/** Built once by the composition root, which holds the server secret (the domain does not hand it out). */
export function pageKit(issuer: string, secret: ServerSecret, forgotPassword?: (tenantPath: string) => string): PageKit {
  return {
    issuer,
    forgotPassword,
    ...browserCookies(issuer),
    csrf: new CsrfTokens(secret),
    loginAction: pagePath(issuer, '/authorize/login'),
    consentAction: pagePath(issuer, '/authorize/consent'),
    logoutAction: pagePath(issuer, '/logout'),
    secondFactorAction: pagePath(issuer, '/authorize/second-factor'),
    enrolFactorAction: pagePath(issuer, '/authorize/enrol-factor'),
    continueAction: pagePath(issuer, '/authorize/continue'),
    passkeyAction: pagePath(issuer, '/authorize/passkey'),
    secondFactorPasskeyAction: pagePath(issuer, '/authorize/second-factor/passkey'),
    passkeyScript: pagePath(issuer, '/authorize/passkey.js'),
    federatedAction: pagePath(issuer, '/authorize/federated'),
    linkAction: pagePath(issuer, '/authorize/federated/link'),
  };
}

/** The browser's current form binding, or a fresh one (set as a cookie only when a form is shown). */
export const bindingFor = (kit: PageKit, existing: string | undefined): string =>
  existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomToken(32);

/**
 * Turns an authorization step into HTTP: an error page (400, no Location),
 * a redirect to the client (302 after GET; 303 after a POST that carried
 * credentials, RFC 9700 §4.12), a page posting the response to the client
 * (`response_mode=form_post`), or a form bound to the browser.
 */
export function sendOutcome(res: Response, kit: PageKit, outcome: AuthorizeOutcome, binding: string, afterPost: boolean): void {
  switch (outcome.kind) {
    case 'error-page':
      setPageHeaders(res);
      res.status(400).type('html').send(errorPage(outcome.error));
      return;
    case 'redirect':
      res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer' });
      res
        .status(afterPost ? 303 : 302)
        .set('Location', outcome.location)
        .end();
      return;
    case 'upstream':
      // To the upstream identity provider, with the federation cookie its callback checks `state` against.
      federationCookie(outcome.callbackUrl).set(res, outcome.binding);
      res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer' });
      res
        .status(afterPost ? 303 : 302)
        .set('Location', outcome.location)
        .end();
      return;
    case 'form-post':
      // Form Post Response Mode §2: the page posts the response to the (trusted) redirect URI.
      setPageHeaders(res, formTargets(outcome.action), [FORM_POST_SCRIPT_SOURCE]);
      res.status(200).type('html').send(formPostPage(outcome.action, outcome.fields));
      return;
    case 'sign-in':
      kit.interaction.set(res, binding);
      setPageHeaders(
        res,
        [...formTargets(outcome.screen.redirectUri), ...new Set((outcome.screen.providers ?? []).map((provider) => provider.origin))],
        outcome.passkey ? ["'self'"] : [],
      );
      res
        .status(formPageStatus(res, outcome))
        .type('html')
        .send(
          signInPage({
            screen: outcome.screen,
            csrfToken: kit.csrf.issue(binding, 'sign-in'),
            action: kit.loginAction,
            failed: outcome.failed,
            username: outcome.username,
            retryAfterSeconds: outcome.retryAfterSeconds,
            forgotPasswordUrl: kit.forgotPassword?.(outcome.screen.tenantPath),
            passkey: outcome.passkey && { action: kit.passkeyAction, ceremony: outcome.passkey, scriptSrc: kit.passkeyScript },
            message: outcome.message,
          }),
        );
      return;
    case 'consent':
      kit.interaction.set(res, binding);
      setPageHeaders(res, formTargets(outcome.screen.request.redirectUri));
      res
        .status(200)
        .type('html')
        .send(
          consentPage({
            screen: outcome.screen,
            user: outcome.user,
            newScopes: outcome.newScopes,
            csrfToken: kit.csrf.issue(binding, 'consent'),
            action: kit.consentAction,
          }),
        );
      return;
    case 'second-factor':
      kit.interaction.set(res, binding);
      setPageHeaders(res, formTargets(outcome.screen.redirectUri), outcome.passkey ? ["'self'"] : []);
      res
        .status(formPageStatus(res, outcome))
        .type('html')
        .send(
          secondFactorPage({
            screen: outcome.screen,
            csrfToken: kit.csrf.issue(binding, 'second-factor'),
            action: kit.secondFactorAction,
            failed: outcome.failed,
            retryAfterSeconds: outcome.retryAfterSeconds,
            passkey: outcome.passkey && { action: kit.secondFactorPasskeyAction, ceremony: outcome.passkey, scriptSrc: kit.passkeyScript },
            message: outcome.message,
          }),
        );
      return;
    case 'enrol-factor':
      kit.interaction.set(res, binding);
      setPageHeaders(res, formTargets(outcome.screen.redirectUri), [], true);
      res
        .status(formPageStatus(res, outcome))
        .type('html')
        .send(
          enrolFactorPage({
            screen: outcome.screen,
            enrolment: outcome.enrolment,
            csrfToken: kit.csrf.issue(binding, 'enrol-factor'),
            action: kit.enrolFactorAction,
            failed: outcome.failed,
            retryAfterSeconds: outcome.retryAfterSeconds,
          }),
        );
      return;
    case 'link-account':
      kit.interaction.set(res, binding);
      // Cancel answers with the sign-in form; the link ends with the redirect to the client.
      setPageHeaders(res, formTargets(outcome.screen.redirectUri));
      res
        .status(formPageStatus(res, outcome))
        .type('html')
        .send(
          linkAccountPage({
            screen: outcome.screen,
            shown: outcome.shown,
            providerName: outcome.providerName,
            csrfToken: kit.csrf.issue(binding, 'link'),
            action: kit.linkAction,
            failed: outcome.failed,
            retryAfterSeconds: outcome.retryAfterSeconds,
          }),
        );
      return;
    case 'recovery-codes':
      kit.interaction.set(res, binding);
      setPageHeaders(res, formTargets(outcome.screen.redirectUri));
      res
        .status(200)
        .type('html')
        .send(
          recoveryCodesPage({
            screen: outcome.screen,
            codes: outcome.codes,
            csrfToken: kit.csrf.issue(binding, 'continue'),
            action: kit.continueAction,
          }),
        );
      return;
  }
}
