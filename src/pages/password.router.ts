import { Router, type Request, type Response } from 'express';
import type { Domain } from '../composition/create-domain';
import { DomainError, isDomainError } from '../domain/errors';
import type { Tenant } from '../domain/tenants/tenant';
import type { RequestScopeFactory } from '../edge/request-scope-factory';
import { pagePath } from './browser-cookies';
import { errorPage } from './error.page';
import { pageErrorHandler } from './page-error-handler';
import { field, pageForm } from './page-form';
import { setPageHeaders } from './page-headers';
import {
  emailVerifiedPage,
  forgotPasswordPage,
  passwordChangedPage,
  resetPasswordPage,
  resetRequestedPage,
  verifyEmailPage,
} from './password.page';

/**
 * Password reset by mail at `{I}/password/…` (`issuer` the root issuer or a tenant issuer, `tenantOf` its tenant):
 * - GET/POST `{I}/password/forgot`: the request form; every request gets the same "check your mail" answer
 *   (429 when throttled);
 * - GET `{I}/password/reset?token=…`: the new-password form of a valid link (an error page otherwise);
 * - POST `{I}/password/reset`: sets the password, once.
 * - GET `{I}/email/verify?token=…`, POST `{I}/email/verify`: confirms the email address a verification link was sent to.
 * - GET `{I}/invitation/accept?token=…`, POST `{I}/invitation/accept`: an invited user chooses their password, once.
 * Without SMTP_URL every one of them answers 404. The link's secret is the form's only authority,
 * so a cross-site post cannot forge it; the forms post to this origin only (CSP).
 */
export function passwordRouter(
  domain: Domain,
  scopeFor: RequestScopeFactory,
  issuer: string,
  tenantOf: () => Promise<Tenant> | Tenant,
): Router {
  const router = Router();
  const actions = {
    forgot: pagePath(issuer, '/password/forgot'),
    reset: pagePath(issuer, '/password/reset'),
    verify: pagePath(issuer, '/email/verify'),
    accept: pagePath(issuer, '/invitation/accept'),
  };
  const name = (tenant: Tenant) => tenant.name || tenant.path;
  const page = (res: Response, status: number, body: string) => {
    setPageHeaders(res);
    res.status(status).type('html').send(body);
  };

  router.use(['/password', '/email', '/invitation'], (_req, res, next) => {
    if (domain.passwordReset.enabled) return next();
    page(res, 404, errorPage(domainNotFound()));
  });

  router.get('/password/forgot', async (_req, res) => {
    const tenant = await tenantOf();
    page(res, 200, forgotPasswordPage({ tenantName: name(tenant), action: actions.forgot }));
  });

  router.post('/password/forgot', pageForm, async (req: Request, res: Response) => {
    const tenant = await tenantOf();
    const identifier = field(req, 'identifier');
    try {
      await domain.passwordReset.request(tenant, identifier, scopeFor(req, String(req.id)).clientIp);
    } catch (error) {
      if (!isDomainError(error) || (error.code !== 'too_many_requests' && error.code !== 'validation_failed')) throw error;
      if (error.retryAfterSeconds !== undefined) res.set('Retry-After', String(error.retryAfterSeconds));
      const problem = error.code === 'too_many_requests' ? 'Too many requests. Try again later.' : describe(error);
      page(
        res,
        error.code === 'too_many_requests' ? 429 : 400,
        forgotPasswordPage({ tenantName: name(tenant), action: actions.forgot, problem, identifier }),
      );
      return;
    }
    page(res, 200, resetRequestedPage({ tenantName: name(tenant) }));
  });

  router.get('/password/reset', async (req, res) => {
    const tenant = await tenantOf();
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    await domain.passwordReset.check(tenant, token);
    page(res, 200, resetPasswordPage({ tenantName: name(tenant), action: actions.reset, token: token! }));
  });

  router.post('/password/reset', pageForm, async (req, res) => {
    const tenant = await tenantOf();
    const token = field(req, 'token');
    const password = field(req, 'password');
    const retry = (problem: string) =>
      page(res, 400, resetPasswordPage({ tenantName: name(tenant), action: actions.reset, token: token ?? '', problem }));
    if (password !== field(req, 'confirm')) return retry('The two passwords differ.');
    try {
      await domain.passwordReset.reset(tenant, token, password);
    } catch (error) {
      if (isDomainError(error) && error.code === 'validation_failed') return retry(describe(error));
      throw error;
    }
    page(res, 200, passwordChangedPage({ tenantName: name(tenant) }));
  });

  router.get('/email/verify', async (req, res) => {
    const tenant = await tenantOf();
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    await domain.emailVerification.check(tenant, token);
    page(res, 200, verifyEmailPage({ tenantName: name(tenant), action: actions.verify, token: token! }));
  });

  router.post('/email/verify', pageForm, async (req, res) => {
    const tenant = await tenantOf();
    await domain.emailVerification.confirm(tenant, field(req, 'token'));
    page(res, 200, emailVerifiedPage({ tenantName: name(tenant) }));
  });

  router.get('/invitation/accept', async (req, res) => {
    const tenant = await tenantOf();
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    await domain.invitations.check(tenant, token);
    page(res, 200, resetPasswordPage({ tenantName: name(tenant), action: actions.accept, token: token! }));
  });

  router.post('/invitation/accept', pageForm, async (req, res) => {
    const tenant = await tenantOf();
    const token = field(req, 'token');
    const password = field(req, 'password');
    const retry = (problem: string) =>
      page(res, 400, resetPasswordPage({ tenantName: name(tenant), action: actions.accept, token: token ?? '', problem }));
    if (password !== field(req, 'confirm')) return retry('The two passwords differ.');
    try {
      await domain.invitations.accept(tenant, token, password);
    } catch (error) {
      if (isDomainError(error) && error.code === 'validation_failed') return retry(describe(error));
      throw error;
    }
    page(res, 200, passwordChangedPage({ tenantName: name(tenant) }));
  });

  router.use(['/password', '/email', '/invitation'], pageErrorHandler);
  return router;
}

const describe = (error: DomainError): string => error.description.replace(/^\w+: /, '').replace(/^./, (c) => c.toUpperCase());

const domainNotFound = (): DomainError => new DomainError('not_found', 'password reset by email is not available on this server');
