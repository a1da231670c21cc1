import type { AuditLog } from '../audit/audit-log';
import type { BrowserContext } from '../authorize/authorize-outcome';
import type { Client } from '../clients/client';
import type { ClientService } from '../clients/client.service';
import { sha256 } from '../crypto/random';
import type { DomainDeps } from '../deps';
import { DomainError, ensure, errors, isDomainError } from '../errors';
import type { StartedSession } from '../sessions/browser-session';
import type { BrowserSessionService } from '../sessions/browser-session.service';
import type { Tenant } from '../tenants/tenant';
import type { TenantService } from '../tenants/tenant.service';
import type { BruteForceGuard } from '../throttle/brute-force-guard';
import type { User } from '../users/user';
import type { UserService } from '../users/user.service';
import { formatUserCode, normalizeUserCode, type DeviceAuthorization } from './device-authorization';
import type { DeviceAuthorizationStore } from './device-authorization-store';
import { isMultiFactor, PASSWORD_AND_OTP, PASSWORD_AND_PASSKEY } from '../mfa/authentication-methods';
import type { PasskeyCeremony, PasskeyService } from '../passkeys/passkey.service';

/** What the verification page needs of second factors (SecondFactorService). */
export interface DeviceSecondFactors {
  owed(tenant: Tenant, user: User): Promise<'verify' | 'enrol' | null>;
  verify(tenant: Tenant, user: User, code: string, scope: BrowserContext['scope']): Promise<string | null>;
}

/** What the verification page needs of passkeys (PasskeyService): one of the user's as the second factor. */
export type DevicePasskeys = Pick<PasskeyService, 'available' | 'authenticationOptions' | 'authenticate'>;

/** A user who owes a second factor and has none set up enrols on the account page first (no enrolment here). */
const enrolFirst = () =>
  new DomainError(
    'access_denied',
    'this account must set up two-step verification first: sign in on the account page, then enter the code from your device again',
  );

/** What the sign-in and consent forms of the verification page show. */
export interface DeviceScreen {
  readonly client: Client;
  readonly tenant: Tenant;
  readonly scopes: readonly string[];
  /** The user code, as shown (`XXXX-XXXX`). */
  readonly userCode: string;
  /** The sealed pending step, to be posted back unchanged. */
  readonly pending: string;
}

/**
 * The next step of the verification page (RFC 8628 §3.3), transport-free:
 * - `enter-code`: the code form, again with one message when the code was not
 *   accepted (unknown, expired, used, or another issuer's: one answer), or the wait
 *   when too many wrong codes came from this source;
 * - `sign-in`: a user of the client's tenant must sign in first;
 * - `consent`: the signed-in user approves or denies the named client and scopes;
 * - `done`: the answer is recorded; the user goes back to the device;
 * - `error-page`: a stale or foreign form.
 */
export type DeviceVerificationOutcome =
  | { readonly kind: 'enter-code'; readonly userCode: string; readonly failed: boolean; readonly retryAfterSeconds?: number }
  | {
      readonly kind: 'sign-in';
      readonly screen: DeviceScreen;
      readonly failed: boolean;
      readonly username: string | null;
      readonly retryAfterSeconds?: number;
    }
  | { readonly kind: 'consent'; readonly screen: DeviceScreen; readonly user: User }
  | {
      /** The user owes a second factor (SecondFactorService.owed): a TOTP or recovery code, or a passkey, before the consent. */
      readonly kind: 'second-factor';
      readonly screen: DeviceScreen;
      readonly failed: boolean;
      readonly retryAfterSeconds?: number;
      /** "Use a passkey": the user's credentials as allowCredentials, when they have one. */
      readonly passkey?: PasskeyCeremony<object>;
      /** Why a passkey was refused, shown instead of the code's message. */
      readonly message?: string;
    }
  | { readonly kind: 'done'; readonly approved: boolean; readonly clientName: string }
  | { readonly kind: 'error-page'; readonly error: DomainError };

/** A verification step with the session to hand the browser when the user just signed in. */
export interface DeviceVerificationResult {
  readonly outcome: DeviceVerificationOutcome;
  readonly started: StartedSession | null;
}

/** Which tenant issuer the page is served under; null for the root issuer, which takes any tenant's codes. */
export type VerificationIssuer = Tenant | null;

type Stage = 'sign-in' | 'consent' | 'second-factor';

interface SealedStep {
  typ: typeof TYPE;
  stage: Stage;
  authorizationId: string;
  /** At the consent and second-factor stages: the signed-in user asked. */
  userId: string | null;
  bind: string;
  exp: number;
}

const TYPE = 'idp.device-verification.v1';
/** How long a user may take to fill the sign-in or consent form. */
const STEP_LIFETIME_SECONDS = 600;
/** The credential user codes are throttled under: one per issuer, from each source (so per IP). */
const USER_CODE_CREDENTIAL = 'user_code';

const staleForm = () =>
  errors.invalidRequest('this form has expired or was not issued to this browser; go back to your device and start again');

/**
 * The user side of the device authorization grant (RFC 8628 §3.3): the person types the
 * user code the device shows, signs in as a user of the client's tenant (the browser
 * session of the hosted pages, as at /authorize), and approves or denies the client and
 * scopes on a consent screen, which is always shown (§5.4: a device flow cannot tell
 * whose device asks). Wrong user codes are throttled like passwords, per source
 * (BruteForceGuard); an unknown, expired or used code gets one answer. The steps between
 * forms are sealed with the server secret and bound to the browser, like /authorize's.
 */
export class DeviceVerificationService {
  constructor(
    private readonly deps: Pick<DomainDeps, 'clock' | 'secret'>,
    private readonly store: DeviceAuthorizationStore,
    private readonly clients: ClientService,
    private readonly tenants: TenantService,
    private readonly users: UserService,
    private readonly sessions: BrowserSessionService,
    private readonly guard: BruteForceGuard,
    /** Second factors: a user who owes one proves it here too before approving a device. */
    private readonly secondFactors: DeviceSecondFactors,
    private readonly audit?: AuditLog,
    /** Passkeys: one of the user's stands for the second factor here as at /authorize. */
    private readonly passkeys?: DevicePasskeys,
  ) {}

  /** The code form, prefilled with `?user_code=` as typed (RFC 8628 §3.3.1); nothing is looked up yet. */
  codeForm(userCode: string | undefined): DeviceVerificationOutcome {
    const normalized = normalizeUserCode(userCode);
    return { kind: 'enter-code', userCode: normalized ? formatUserCode(normalized) : (userCode ?? '').slice(0, 16), failed: false };
  }

  /** The posted code: throttled per source; a good one leads to sign-in, or straight to consent for a signed-in user of its tenant. */
  async enterCode(input: string | undefined, issuer: VerificationIssuer, browser: BrowserContext): Promise<DeviceVerificationOutcome> {
    const typed = (input ?? '').slice(0, 16);
    if (!input || input.trim() === '') return { kind: 'enter-code', userCode: '', failed: true };
    const attempt = {
      // `device:` keeps this bucket apart from every real account (whose tenant id is a bare UUID).
      subject: {
        kind: 'account',
        tenantId: `device:${issuer?.id ?? 'root'}`,
        tenantPath: issuer?.path ?? '/',
        username: USER_CODE_CREDENTIAL,
      },
      scope: browser.scope,
      owed: 'invalid_grant',
    } as const;
    let found: Awaited<ReturnType<DeviceVerificationService['pendingByCode']>>;
    try {
      found = await this.guard.protect(attempt, () => this.pendingByCode(normalizeUserCode(input), issuer));
    } catch (error) {
      if (isDomainError(error) && error.code === 'too_many_requests') {
        return { kind: 'enter-code', userCode: typed, failed: true, retryAfterSeconds: error.retryAfterSeconds };
      }
      throw error;
    }
    if (!found) return { kind: 'enter-code', userCode: typed, failed: true };
    return this.afterCode(found, browser);
  }

  /** The sign-in form: a user of the client's tenant, throttled per account and source like every password. */
  async signIn(
    form: { pending?: string; username?: string; password?: string },
    browser: BrowserContext,
  ): Promise<DeviceVerificationResult> {
    let step: SealedStep;
    try {
      step = this.open(form.pending, browser.binding, 'sign-in');
    } catch (error) {
      return { outcome: pageError(error), started: null };
    }
    const found = await this.pendingById(step.authorizationId);
    if (!found) return { outcome: { kind: 'enter-code', userCode: '', failed: true }, started: null };
    const { authorization, client, tenant } = found;
    const { username, password } = form;
    let user: User | null = null;
    let retryAfterSeconds: number | undefined;
    if (username && password) {
      const subject = { kind: 'account', tenantId: tenant.id, tenantPath: tenant.path, username, clientId: client.clientId } as const;
      try {
        user = await this.guard.protect({ subject, scope: browser.scope, owed: 'access_denied' }, () =>
          this.users.verifyCredentials(tenant.id, username, password),
        );
      } catch (error) {
        if (!isDomainError(error) || error.code !== 'too_many_requests') throw error;
        retryAfterSeconds = error.retryAfterSeconds;
      }
      this.audit?.record({
        action: 'signin',
        outcome: user ? 'success' : 'failure',
        tenantPath: tenant.path,
        actorKind: user ? 'user' : 'anonymous',
        actorId: user ? user.id : username,
        actorClientId: client.clientId,
        clientIp: browser.scope?.clientIp ?? null,
        requestId: browser.scope?.requestId ?? null,
        detail: { via: 'device', ...(retryAfterSeconds !== undefined ? { throttled: true } : {}) },
      });
    }
    if (!user) {
      const screen = this.screen(found, null, browser.binding!, 'sign-in');
      return { outcome: { kind: 'sign-in', screen, failed: true, username: username ?? null, retryAfterSeconds }, started: null };
    }
    const owed = await this.secondFactors.owed(tenant, user);
    if (owed === 'enrol') return { outcome: pageError(enrolFirst()), started: null };
    if (owed === 'verify') {
      return { outcome: await this.secondFactorStep(found, user, browser.binding!, false), started: null };
    }
    // A fresh cookie on every sign-in (no fixation); the previous session ends, or continues for the same user.
    const started = await this.sessions.signIn(browser.sessionToken, tenant.id, user.id);
    return {
      outcome: { kind: 'consent', screen: this.screen({ authorization, client, tenant }, user.id, browser.binding!, 'consent'), user },
      started,
    };
  }

  /**
   * The second-factor form after the password (or for a session with a password only): a TOTP or
   * recovery code, throttled like /authorize's; a right one starts a fresh `pwd otp mfa` session and
   * the consent follows.
   */
  async verifySecondFactor(form: { pending?: string; code?: string }, browser: BrowserContext): Promise<DeviceVerificationResult> {
    let step: SealedStep;
    try {
      step = this.open(form.pending, browser.binding, 'second-factor');
    } catch (error) {
      return { outcome: pageError(error), started: null };
    }
    const found = await this.pendingById(step.authorizationId);
    if (!found) return { outcome: { kind: 'enter-code', userCode: '', failed: true }, started: null };
    const user = step.userId ? await this.users.findById(step.userId) : null;
    if (!user || !user.enabled || user.tenantId !== found.tenant.id) return { outcome: pageError(staleForm()), started: null };
    let proof: string | null = null;
    let retryAfterSeconds: number | undefined;
    try {
      proof = await this.secondFactors.verify(found.tenant, user, form.code ?? '', browser.scope);
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'too_many_requests') throw error;
      retryAfterSeconds = error.retryAfterSeconds ?? 60;
    }
    if (!proof) return { outcome: await this.secondFactorStep(found, user, browser.binding!, true, { retryAfterSeconds }), started: null };
    const started = await this.sessions.signIn(browser.sessionToken, found.tenant.id, user.id, PASSWORD_AND_OTP);
    return { outcome: { kind: 'consent', screen: this.screen(found, user.id, browser.binding!, 'consent'), user }, started };
  }

  /**
   * "Use a passkey" on the second-factor form: one of the user's passkeys (PasskeyService, purpose
   * `second-factor`: the ceremony bound to this browser's form binding and to the user) starts a fresh
   * `pwd hwk mfa` session and the consent follows. A refused one shows the form again with the reason
   * (nothing changed); throttled like /authorize's.
   */
  async verifySecondFactorPasskey(
    form: { pending?: string; ticket?: string; response?: string },
    browser: BrowserContext,
  ): Promise<DeviceVerificationResult> {
    let step: SealedStep;
    try {
      if (!this.passkeys?.available) throw errors.invalidRequest('passkeys are not available on this server');
      step = this.open(form.pending, browser.binding, 'second-factor');
    } catch (error) {
      return { outcome: pageError(error), started: null };
    }
    const found = await this.pendingById(step.authorizationId);
    if (!found) return { outcome: { kind: 'enter-code', userCode: '', failed: true }, started: null };
    const user = step.userId ? await this.users.findById(step.userId) : null;
    if (!user || !user.enabled || user.tenantId !== found.tenant.id) return { outcome: pageError(staleForm()), started: null };
    const again = async (message: string, retryAfterSeconds?: number): Promise<DeviceVerificationResult> => ({
      outcome: await this.secondFactorStep(found, user, browser.binding!, true, { message, retryAfterSeconds }),
      started: null,
    });
    if (!form.response) return again('Using a passkey needs JavaScript and a browser that supports passkeys.');
    try {
      await this.passkeys.authenticate('second-factor', found.tenant, form, browser, user);
    } catch (error) {
      if (isDomainError(error) && error.code === 'too_many_requests')
        return again('Too many failed attempts.', error.retryAfterSeconds ?? 60);
      if (isDomainError(error) && error.code === 'access_denied') return again(error.description);
      throw error;
    }
    const started = await this.sessions.signIn(browser.sessionToken, found.tenant.id, user.id, PASSWORD_AND_PASSKEY);
    return { outcome: { kind: 'consent', screen: this.screen(found, user.id, browser.binding!, 'consent'), user }, started };
  }

  /** The consent form: records approval or denial (once, while the request is pending and unexpired). */
  async decide(form: { pending?: string; approve: boolean }, browser: BrowserContext): Promise<DeviceVerificationOutcome> {
    let step: SealedStep;
    try {
      step = this.open(form.pending, browser.binding, 'consent');
    } catch (error) {
      return pageError(error);
    }
    const found = await this.pendingById(step.authorizationId);
    if (!found) return { kind: 'enter-code', userCode: '', failed: true };
    const session = await this.sessions.find(browser.sessionToken);
    const user = session ? await this.users.findById(session.userId) : null;
    if (
      !session ||
      !user ||
      session.userId !== step.userId ||
      session.tenantId !== found.authorization.tenantId ||
      (!isMultiFactor(session.amr) && (await this.secondFactors.owed(found.tenant, user)) !== null)
    ) {
      return pageError(
        errors.invalidRequest('you are no longer signed in as the user this request was for; enter the code again to start over'),
      );
    }
    const decided = await this.store.decide(
      found.authorization.id,
      form.approve ? 'approved' : 'denied',
      session.userId,
      { authTime: session.authTime, amr: session.amr, acr: session.acr },
      this.deps.clock.now(),
    );
    if (!decided) return { kind: 'enter-code', userCode: '', failed: true };
    this.audit?.record({
      action: 'device_authorization',
      outcome: form.approve ? 'success' : 'failure',
      tenantPath: found.tenant.path,
      actorKind: 'user',
      actorId: session.userId,
      actorClientId: found.client.clientId,
      clientIp: browser.scope?.clientIp ?? null,
      requestId: browser.scope?.requestId ?? null,
      detail: { decision: form.approve ? 'approved' : 'denied' },
    });
    return { kind: 'done', approved: form.approve, clientName: found.client.name };
  }

  private async afterCode(found: PendingRequest, browser: BrowserContext): Promise<DeviceVerificationOutcome> {
    const binding = browser.binding;
    if (!binding) throw new Error('a browser binding is required to show a form');
    const session = await this.sessions.find(browser.sessionToken);
    const user = session && session.tenantId === found.authorization.tenantId ? await this.users.findById(session.userId) : null;
    if (!user || !user.enabled)
      return { kind: 'sign-in', screen: this.screen(found, null, binding, 'sign-in'), failed: false, username: null };
    if (!isMultiFactor(session!.amr)) {
      // A session with a password only, of a user who owes a second factor: the factor first.
      const owed = await this.secondFactors.owed(found.tenant, user);
      if (owed === 'enrol') return pageError(enrolFirst());
      if (owed === 'verify') return this.secondFactorStep(found, user, binding, false);
    }
    return { kind: 'consent', screen: this.screen(found, user.id, binding, 'consent'), user };
  }

  /** The second-factor form, with "Use a passkey" when passkeys work here and the user has one. */
  private async secondFactorStep(
    found: PendingRequest,
    user: User,
    binding: string,
    failed: boolean,
    extra: { retryAfterSeconds?: number; message?: string } = {},
  ): Promise<DeviceVerificationOutcome> {
    let passkey: PasskeyCeremony<object> | undefined;
    if (this.passkeys?.available) {
      const ceremony = await this.passkeys.authenticationOptions('second-factor', { binding }, user);
      if ((ceremony.options.allowCredentials ?? []).length > 0) passkey = ceremony;
    }
    return {
      kind: 'second-factor',
      screen: this.screen(found, user.id, binding, 'second-factor'),
      failed,
      ...(extra.retryAfterSeconds !== undefined ? { retryAfterSeconds: extra.retryAfterSeconds } : {}),
      ...(extra.message !== undefined ? { message: extra.message } : {}),
      ...(passkey ? { passkey } : {}),
    };
  }

  /** The pending, unexpired request of a typed code (of the issuer's tenant at a tenant issuer) whose client is still enabled; null otherwise. */
  private async pendingByCode(code: string | null, issuer: VerificationIssuer): Promise<PendingRequest | null> {
    if (!code) return null;
    const authorization = await this.store.findPendingByUserCode(code);
    if (!authorization || (issuer && authorization.tenantId !== issuer.id)) return null;
    return this.stillPending(authorization);
  }

  private async pendingById(id: string): Promise<PendingRequest | null> {
    const authorization = await this.store.findById(id);
    return authorization ? this.stillPending(authorization) : null;
  }

  private async stillPending(authorization: DeviceAuthorization): Promise<PendingRequest | null> {
    if (authorization.status !== 'pending' || authorization.expiresAt.getTime() <= this.deps.clock.now().getTime()) return null;
    const client = await this.clients.findByClientId(authorization.clientId);
    if (!client || !client.enabled || client.tenantId !== authorization.tenantId) return null;
    const tenant = await this.tenants.findById(authorization.tenantId);
    return tenant ? { authorization, client, tenant } : null;
  }

  private screen(found: PendingRequest, userId: string | null, binding: string, stage: Stage): DeviceScreen {
    const step: SealedStep = {
      typ: TYPE,
      stage,
      authorizationId: found.authorization.id,
      userId,
      bind: sha256(binding),
      exp: this.deps.clock.now().getTime() + STEP_LIFETIME_SECONDS * 1000,
    };
    return {
      client: found.client,
      tenant: found.tenant,
      scopes: found.authorization.scopes,
      userCode: formatUserCode(found.authorization.userCode),
      pending: this.deps.secret.encrypt(JSON.stringify(step), 'device-verification'),
    };
  }

  private open(sealed: string | undefined, binding: string | undefined, stage: Stage): SealedStep {
    ensure(sealed && binding && sealed.length <= 4096, staleForm);
    let step: SealedStep;
    try {
      step = JSON.parse(this.deps.secret.decrypt(sealed, 'device-verification')) as SealedStep;
    } catch {
      throw staleForm();
    }
    ensure(step.typ === TYPE && step.stage === stage && step.bind === sha256(binding), staleForm);
    ensure(step.exp > this.deps.clock.now().getTime(), staleForm);
    return step;
  }
}

interface PendingRequest {
  readonly authorization: DeviceAuthorization;
  readonly client: Client;
  readonly tenant: Tenant;
}

const pageError = (error: unknown): DeviceVerificationOutcome => {
  if (isDomainError(error)) return { kind: 'error-page', error };
  throw error;
};
