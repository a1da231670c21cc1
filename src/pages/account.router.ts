import { Router, type Request, type Response } from 'express';
import type { Domain } from '../composition/create-domain';
import { accountPageUrl, ensureAccountClient } from '../domain/account/account-client';
import type { DeviceTokenSet } from '../domain/device-token-sets/device-token-set';
import { ensure, errors, isDomainError } from '../domain/errors';
import { normalizeTenantPath } from '../domain/tenants/tenant-path';
import { ACCOUNT_SCRIPT } from './account-script';
import { PASSKEY_SCRIPT } from './passkey-script';
import { accountPasskeySection } from './passkey.page';
import { PASSKEY_REGISTRATION_FRESHNESS_SECONDS } from '../domain/passkeys/passkey.service';
import type { TotpEnrolment } from '../domain/mfa/second-factor.service';
import { isMultiFactor, PASSWORD_AND_OTP, PASSWORD_AND_PASSKEY } from '../domain/mfa/authentication-methods';
import { accountPage } from './account.page';
import { federationCookie, pagePath } from './browser-cookies';
import { linkedSignInsSection } from './linked-sign-ins.page';
import { pageErrorHandler } from './page-error-handler';
import { field, pageForm } from './page-form';
import { setPageHeaders } from './page-headers';
import { signedOutContinuePage } from './logout.page';
import { bindingFor, sendOutcome, type PageKit } from './send-outcome';

const PURPOSE = 'account';
const ACCOUNT_SCOPES = ['openid', 'profile', 'email', 'phone'];

/**
 * Seed 002's device page, `GET /account`: the signed-in user's devices, a
 * form that generates a device token set once the user types their password
 * into the token field, and revoke buttons; both forms are CSRF-protected
 * (token bound to the session cookie). Without a session the browser is sent
 * to `/account/sign-in?tenant=…` (`?tenant=/acme` picks the tenant, default
 * `/`): the hosted sign-in form, posted to `/authorize/login`, which comes back
 * here through the tenant's first-party account client (code flow, PKCE).
 * Before sign-in neither step reads the database or creates anything, so both
 * answer the same for a tenant that exists and one that does not
 * (AuthorizeService.startAccountSignIn).
 */
export function accountRouter(domain: Domain, kit: PageKit): Router {
  const router = Router();
  const { issuer } = domain;
  const accountUrl = accountPageUrl(issuer);
  const actions = {
    create: pagePath(issuer, '/account/devices'),
    revoke: pagePath(issuer, '/account/devices/revoke'),
    script: pagePath(issuer, '/account/account.js'),
    totpStart: pagePath(issuer, '/account/totp'),
    totpConfirm: pagePath(issuer, '/account/totp/confirm'),
    passkeyAdd: pagePath(issuer, '/account/passkeys'),
    passkeyRename: pagePath(issuer, '/account/passkeys/rename'),
    passkeyRemove: pagePath(issuer, '/account/passkeys/remove'),
    endSession: pagePath(issuer, '/account/sessions/end'),
    endOthers: pagePath(issuer, '/account/sessions/end-others'),
    link: pagePath(issuer, '/account/federation/link'),
    unlink: pagePath(issuer, '/account/federation/unlink'),
  };

  /**
   * The signed-in user, when the session proved all it owes: a session with a password only does
   * not open the page of a user who owes a second factor (enrolled, or required by the tenant's
   * policy); `stepUp` then names the tenant whose sign-in asks for it.
   */
  const signedIn = async (req: Request) => (await sessionOf(req)).who;
  const sessionOf = async (req: Request) => {
    const token = kit.session.read(req);
    const session = await domain.sessions.find(token);
    if (!session || !token) return { who: null, stepUp: null };
    const [user, tenant] = await Promise.all([domain.users.findById(session.userId), domain.tenants.findById(session.tenantId)]);
    if (!user || !tenant) return { who: null, stepUp: null };
    if (!isMultiFactor(session.amr) && (await domain.secondFactors.owed(tenant, user)) !== null) return { who: null, stepUp: tenant.path };
    return { who: { token, user, tenant, authTime: session.authTime, amr: session.amr, sid: session.sid }, stepUp: null };
  };

  const render = async (
    res: Response,
    who: NonNullable<Awaited<ReturnType<typeof signedIn>>>,
    status: number,
    extra: { created?: DeviceTokenSet; failed?: string; enrolment?: TotpEnrolment; recoveryCodes?: readonly string[] } = {},
  ) => {
    const fresh = isFresh(who.authTime, domain.clock.now());
    const binding = who.token;
    const [devices, overview, passkeys, ceremony, sessions, linked, linkable] = await Promise.all([
      domain.devices.listOwn(who.user.id, { first: 100 }),
      domain.secondFactors.overview(who.user.id),
      domain.passkeys.list(who.user.id),
      fresh && domain.passkeys.available ? domain.passkeys.registrationOptions(who.tenant, who.user, { binding }) : null,
      domain.sessions.listOf(who.user.id),
      domain.federatedIdentities.listOf(who.user),
      domain.federatedIdentities.linkable(who.tenant, who.user),
    ]);
    const csrfToken = kit.csrf.issue(who.token, PURPOSE);
    const { enrolment, recoveryCodes, ...rest } = extra;
    const signInAgain = `${pagePath(issuer, '/account/sign-in')}?${new URLSearchParams({ tenant: who.tenant.path })}`;
    // "Link …" posts here and is redirected to the upstream: its origin must be a form target (CSP form-action).
    setAccountHeaders(res, enrolment !== undefined, fresh ? linkable.map(upstreamOrigin) : []);
    res
      .status(status)
      .type('html')
      .send(
        accountPage({
          user: who.user,
          tenantPath: who.tenant.path,
          devices: devices.nodes,
          csrfToken,
          createAction: actions.create,
          revokeAction: actions.revoke,
          scriptSrc: actions.script,
          sessions: { list: sessions, currentSid: who.sid, endAction: actions.endSession, endOthersAction: actions.endOthers },
          ...rest,
          secondFactor: {
            offered: who.tenant.mfaPolicy !== 'OFF',
            overview,
            startAction: actions.totpStart,
            confirmAction: actions.totpConfirm,
            ...(enrolment ? { enrolment } : {}),
            ...(recoveryCodes ? { recoveryCodes } : {}),
          },
          passkeys: domain.passkeys.available
            ? accountPasskeySection({
                passkeys,
                csrfToken,
                renameAction: actions.passkeyRename,
                removeAction: actions.passkeyRemove,
                ...(ceremony ? { add: { action: actions.passkeyAdd, ceremony } } : {}),
                signInAgain,
              })
            : undefined,
          linkedSignIns: linkedSignInsSection({
            linked,
            linkable,
            csrfToken,
            linkAction: actions.link,
            unlinkAction: actions.unlink,
            fresh,
            signInAgain,
          }),
        }),
      );
  };

  router.get('/account/account.js', (_req, res) => {
    res
      .set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' })
      .send(`${ACCOUNT_SCRIPT}\n${PASSKEY_SCRIPT}`);
  });

  router.get('/account', async (req, res) => {
    const { who, stepUp } = await sessionOf(req);
    if (who) {
      // Back from the sign-in: drop the unused code from the address bar.
      if (req.query.code !== undefined) return void res.redirect(303, pagePath(issuer, '/account'));
      return render(res, who, 200);
    }
    const query = new URLSearchParams({ tenant: stepUp ?? requestedTenant(req) });
    res
      .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' })
      .redirect(302, `${pagePath(issuer, '/account/sign-in')}?${query}`);
  });

  router.get('/account/sign-in', (req, res) => {
    const binding = bindingFor(kit, kit.interaction.read(req));
    sendOutcome(res, kit, domain.authorize.startAccountSignIn(requestedTenant(req), { binding }), binding, false);
  });

  router.post('/account/devices', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    const client = await ensureAccountClient(domain.clients, who.tenant, accountUrl);
    try {
      const created = await domain.devices.create(
        who.user.id,
        client,
        field(req, 'name') ?? '',
        field(req, 'password') ?? '',
        ACCOUNT_SCOPES,
        { clientIp: req.ip ?? null, requestId: String(req.id) },
      );
      await render(res, who, 201, { created });
    } catch (error) {
      if (isDomainError(error) && error.code === 'too_many_requests') {
        res.set('Retry-After', String(error.retryAfterSeconds ?? 60));
        await render(res, who, 429, {
          failed: `Too many wrong passwords. Try again in ${Math.ceil((error.retryAfterSeconds ?? 60) / 60)} minutes.`,
        });
        return;
      }
      if (!isDomainError(error) || error.code !== 'validation_failed') throw error;
      await render(res, who, 400, {
        failed: error.field === 'password' ? 'That password is not correct.' : `Device ${error.description}.`,
      });
    }
  });

  // Two-step verification: start an enrolment (a fresh key, unconfirmed), then confirm it with a first code.
  router.post('/account/totp', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    ensure(who.tenant.mfaPolicy !== 'OFF', () => errors.invalidRequest('two-step verification is switched off for this tenant'));
    const enrolment = await domain.secondFactors.startTotp(who.tenant, who.user);
    await render(res, who, 200, { enrolment });
  });

  router.post('/account/totp/confirm', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    const scope = { clientIp: req.ip ?? null, requestId: String(req.id) };
    try {
      const codes = await domain.secondFactors.confirmTotp(who.tenant, who.user, field(req, 'code') ?? '', scope);
      if (codes) {
        // The first code was proven in this session: it now counts as a two-factor session.
        await domain.sessions.raise(who.token, PASSWORD_AND_OTP);
        return await render(res, who, 201, { recoveryCodes: codes });
      }
      const enrolment = (await domain.secondFactors.pendingTotp(who.tenant, who.user)) ?? undefined;
      await render(res, who, 400, { failed: 'That code is not valid. Enter the current code from your app.', enrolment });
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'too_many_requests') throw error;
      res.set('Retry-After', String(error.retryAfterSeconds ?? 60));
      const enrolment = (await domain.secondFactors.pendingTotp(who.tenant, who.user)) ?? undefined;
      await render(res, who, 429, {
        failed: `Too many wrong codes. Try again in ${Math.ceil((error.retryAfterSeconds ?? 60) / 60)} minutes.`,
        enrolment,
      });
    }
  });

  // Passkeys: add (a sign-in within the last five minutes), rename, remove; each form CSRF-protected.
  router.post('/account/passkeys', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    if (!isFresh(who.authTime, domain.clock.now())) {
      return render(res, who, 403, { failed: 'To add a passkey, sign in again first: your last sign-in is more than 5 minutes old.' });
    }
    const binding = who.token;
    const scope = { clientIp: req.ip ?? null, requestId: String(req.id) };
    try {
      const form = { ticket: field(req, 'passkey_ticket'), response: field(req, 'response'), name: field(req, 'name') };
      if (!form.response)
        return await render(res, who, 400, { failed: 'Adding a passkey needs JavaScript and a browser that supports passkeys.' });
      await domain.passkeys.register(who.tenant, who.user, form, { binding, scope });
      // The new key was just proven in this session (as a first TOTP code is): it now counts as a two-factor session.
      if (!isMultiFactor(who.amr)) await domain.sessions.raise(who.token, PASSWORD_AND_PASSKEY);
      res.redirect(303, pagePath(issuer, '/account'));
    } catch (error) {
      if (!isDomainError(error) || !['invalid_request', 'conflict', 'validation_failed'].includes(error.code)) throw error;
      await render(res, who, error.code === 'conflict' ? 409 : 400, { failed: error.description });
    }
  });

  router.post('/account/passkeys/rename', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    const scope = { clientIp: req.ip ?? null, requestId: String(req.id) };
    try {
      await domain.passkeys.rename(who.tenant, who.user, field(req, 'passkey_id') ?? '', field(req, 'name'), { scope });
      res.redirect(303, pagePath(issuer, '/account'));
    } catch (error) {
      if (!isDomainError(error) || !['not_found', 'validation_failed'].includes(error.code)) throw error;
      await render(res, who, error.code === 'not_found' ? 404 : 400, { failed: `Passkey ${error.description}.` });
    }
  });

  router.post('/account/passkeys/remove', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    const scope = { clientIp: req.ip ?? null, requestId: String(req.id) };
    try {
      await domain.passkeys.remove(who.tenant, who.user, field(req, 'passkey_id') ?? '', { scope });
      res.redirect(303, pagePath(issuer, '/account'));
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'not_found') throw error;
      await render(res, who, 404, { failed: 'That passkey was already removed.' });
    }
  });

  // Linked sign-ins: link a provider (a sign-in within the last five minutes, as for passkeys), unlink one (never the last way in).
  router.post('/account/federation/link', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    if (!isFresh(who.authTime, domain.clock.now())) {
      return render(res, who, 403, { failed: 'To link a sign-in, sign in again first: your last sign-in is more than 5 minutes old.' });
    }
    const start = await domain.federation.beginLink(who.tenant, who.user, who.sid, field(req, 'provider') ?? '', accountUrl);
    federationCookie(start.callbackUrl).set(res, start.binding);
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).redirect(303, start.location);
  });

  router.post('/account/federation/unlink', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    const scope = { clientIp: req.ip ?? null, requestId: String(req.id) };
    try {
      await domain.federatedIdentities.unlinkOwn(who.user, field(req, 'identity_id') ?? '', scope);
      res.redirect(303, pagePath(issuer, '/account'));
    } catch (error) {
      if (!isDomainError(error) || !['not_found', 'conflict'].includes(error.code)) throw error;
      await render(res, who, error.code === 'conflict' ? 409 : 404, {
        failed: error.code === 'conflict' ? `Not unlinked: ${error.description}.` : 'That sign-in was already unlinked.',
      });
    }
  });

  router.post('/account/devices/revoke', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    await domain.devices.revokeOwn(who.user.id, field(req, 'device_id') ?? '');
    res.redirect(303, pagePath(issuer, '/account'));
  });

  // Sessions: end one of the user's own (this one included: that is signing out), or all but this one.
  router.post('/account/sessions/end', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    const sid = field(req, 'session_id') ?? '';
    const signInAgain = `${pagePath(issuer, '/account/sign-in')}?${new URLSearchParams({ tenant: who.tenant.path })}`;
    // Signing out of a session that came from an upstream identity provider signs out there too, then comes back here.
    const upstream = sid === who.sid ? await domain.upstreamLogout.endSessionRedirect(who, signInAgain) : null;
    await domain.sessionAdmin.endOwn(who.user.id, sid);
    if (sid === who.sid) {
      kit.session.clear(res);
      if (upstream) {
        // A page: this page's CSP form-action ('self') would block a redirect to the upstream.
        setPageHeaders(res);
        res.status(200).type('html').send(signedOutContinuePage(upstream));
        return;
      }
      res.redirect(303, signInAgain);
      return;
    }
    res.redirect(303, pagePath(issuer, '/account'));
  });

  router.post('/account/sessions/end-others', pageForm, async (req, res) => {
    const who = await signedIn(req);
    ensure(who && kit.csrf.verify(field(req, 'csrf_token'), who.token, PURPOSE), csrfFailure);
    await domain.sessionAdmin.endOthers(who.user.id, who.sid);
    res.redirect(303, pagePath(issuer, '/account'));
  });

  router.use('/account', pageErrorHandler);
  return router;
}

/** The hosted pages' headers, plus same-origin scripts for the copy buttons; `formTargets`: origins a form's redirect may go to. */
function setAccountHeaders(res: Response, qrCode = false, formTargets: readonly string[] = []): void {
  setPageHeaders(res);
  const formAction = ["'self'", ...new Set(formTargets)].join(' ');
  res.set(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'self'; ${qrCode ? 'img-src data:; ' : ''}style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  );
}

/** Where an upstream's authorization request goes (the origin of its authorization endpoint, else of its issuer). */
const upstreamOrigin = (provider: { authorizationEndpoint: string | null; issuer: string }): string =>
  new URL(provider.authorizationEndpoint ?? provider.issuer).origin;

/** Whether a sign-in at `authTime` is recent enough to add a passkey. */
const isFresh = (authTime: Date, now: Date): boolean => now.getTime() - authTime.getTime() <= PASSKEY_REGISTRATION_FRESHNESS_SECONDS * 1000;

/** `?tenant=` as a tenant path (default `/`); only its syntax is checked, never whether it exists. */
const requestedTenant = (req: Request): string =>
  normalizeTenantPath(typeof req.query.tenant === 'string' ? req.query.tenant : '/', 'tenant');

const csrfFailure = () => errors.invalidRequest('this form has expired or you are signed out; reload the page and try again', 'csrf_token');
