import type { SignInScreen } from '../domain/authorize/authorize-outcome';
import type { TotpEnrolment } from '../domain/mfa/second-factor.service';
import { html, type SafeHtml } from './html';
import { renderPage } from './layout';
import { qrCodeDataUrl } from './qr-code';
import { returnHost } from './sign-in.page';
import { passkeySecondFactorForm, type PasskeyForm } from './passkey.page';

const waitText = (seconds: number): string => (seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

const eyebrow = (screen: SignInScreen): SafeHtml =>
  html`<p class="eyebrow">${screen.tenantName === null ? screen.tenantPath : html`${screen.tenantName} · ${screen.tenantPath}`}</p>`;

const failure = (failed: boolean, retryAfterSeconds: number | undefined, wrong: string): SafeHtml | string =>
  retryAfterSeconds !== undefined
    ? html`<p class="alert" role="alert">Too many wrong codes. Try again in ${waitText(retryAfterSeconds)}.</p>`
    : failed
      ? html`<p class="alert" role="alert">${wrong}</p>`
      : '';

/** The QR code, the manual key and what they are for: on the sign-in enrolment page and the account page. */
export function totpSetup(enrolment: TotpEnrolment): SafeHtml {
  return html`<figure class="qr"><img src="${qrCodeDataUrl(enrolment.otpauthUri)}" width="200" height="200" alt="QR code for your authenticator app; the key below is the same, to type in"></figure>
<p id="totp-key-label">Scan the QR code with an authenticator app, or enter this key by hand (time-based, 6 digits, 30 seconds):</p>
<p aria-labelledby="totp-key-label"><code class="secret" id="totp-key">${enrolment.manualKey}</code></p>`;
}

/** The recovery codes, shown once. */
export function recoveryCodeList(codes: readonly string[]): SafeHtml {
  return html`<section aria-labelledby="recovery-title"><h2 id="recovery-title">Recovery codes</h2>
<p class="lead">Store these now: they are not shown again. Each one signs you in once if you lose your authenticator.</p>
<ul class="recovery-codes" id="recovery-codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul></section>`;
}

export interface SecondFactorView {
  screen: SignInScreen;
  csrfToken: string;
  action: string;
  failed: boolean;
  retryAfterSeconds?: number;
  /** "Use a passkey", when the user has one, with the script that runs it. */
  passkey?: PasskeyForm & { scriptSrc: string };
  /** Why a passkey was refused. */
  message?: string;
}

/** After the password: the TOTP code, or a recovery code. */
export function secondFactorPage(view: SecondFactorView): string {
  return renderPage(
    `Verification code · ${view.screen.clientName}`,
    html`${eyebrow(view.screen)}
<h1>${view.passkey ? 'Verify it’s you' : 'Enter your verification code'}</h1>
${
  view.passkey
    ? html`<p class="lead">Use your passkey or security key to continue to <strong>${view.screen.clientName}</strong>, or enter a code below.</p>`
    : html`<p class="lead">Open your authenticator app and enter the 6-digit code for <strong>${view.screen.clientName}</strong>, or one of your recovery codes.</p>`
}
${view.message && view.retryAfterSeconds === undefined ? html`<p class="alert" role="alert">${view.message}</p>` : failure(view.failed, view.retryAfterSeconds, 'That code is not valid. Enter a new code from your app, or an unused recovery code.')}
${view.passkey ? passkeySecondFactorForm(view.passkey, { pending: view.screen.pending, csrf_token: view.csrfToken }) : ''}
<form method="post" action="${view.action}" autocomplete="off">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<label>${view.passkey ? 'Verification or recovery code' : 'Verification code'}<input type="text" name="code" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required${view.passkey ? '' : html` autofocus`}></label>
<button type="submit" class="primary full">Verify</button>
</form>
<p class="fine">After signing in you will return to <span class="code">${returnHost(view.screen.redirectUri)}</span></p>`,
    view.passkey ? [view.passkey.scriptSrc] : [],
  );
}

export interface EnrolFactorView extends SecondFactorView {
  enrolment: TotpEnrolment;
}

/** A second factor is required and none is set up: enrol an authenticator app now. */
export function enrolFactorPage(view: EnrolFactorView): string {
  return renderPage(
    `Set up two-step verification · ${view.screen.clientName}`,
    html`${eyebrow(view.screen)}
<h1>Set up two-step verification</h1>
<p class="lead">A verification code from an authenticator app is required to continue to <strong>${view.screen.clientName}</strong>.</p>
${failure(view.failed, view.retryAfterSeconds, 'That code is not valid. Check the time on your phone and enter the current code.')}
${totpSetup(view.enrolment)}
<form method="post" action="${view.action}" autocomplete="off">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<label>Code from the app<input type="text" name="code" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required autofocus></label>
<button type="submit" class="primary full">Turn on</button>
</form>`,
  );
}

export interface RecoveryCodesView {
  screen: SignInScreen;
  codes: readonly string[];
  csrfToken: string;
  action: string;
}

/** Enrolment done: the recovery codes once, then on to the application. */
export function recoveryCodesPage(view: RecoveryCodesView): string {
  return renderPage(
    `Recovery codes · ${view.screen.clientName}`,
    html`${eyebrow(view.screen)}
<h1>Two-step verification is on</h1>
${recoveryCodeList(view.codes)}
<form method="post" action="${view.action}">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<button type="submit" class="primary full">I have stored them; continue</button>
</form>`,
  );
}
