import type { DeviceScreen } from '../domain/device-authorization/device-verification.service';
import type { User } from '../domain/users/user';
import { html } from './html';
import { renderPage } from './layout';
import { describeScope } from './scope-descriptions';
import { passkeySecondFactorForm, type PasskeyForm } from './passkey.page';

const waitText = (seconds: number): string => (seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

/** What the user reads for any code that was not accepted: unknown, expired, already used or another issuer's alike. */
const CODE_NOT_ACCEPTED_TEXT = 'That code is not valid. Check the code your device shows and try again.';

export interface CodeEntryView {
  userCode: string;
  failed: boolean;
  retryAfterSeconds?: number;
  csrfToken: string;
  action: string;
}

/** RFC 8628 §3.3: the form the user types the device's code into. */
export function codeEntryPage(view: CodeEntryView): string {
  return renderPage(
    'Connect a device',
    html`<p class="eyebrow">Device sign-in</p>
<h1>Connect a device</h1>
<p class="lead">Enter the code shown on your device.</p>
${
  view.retryAfterSeconds !== undefined
    ? html`<p class="alert" role="alert">Too many wrong codes. Try again in ${waitText(view.retryAfterSeconds)}.</p>`
    : view.failed
      ? html`<p class="alert" role="alert">${CODE_NOT_ACCEPTED_TEXT}</p>`
      : ''
}
<form method="post" action="${view.action}" autocomplete="off">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<label>Code<input type="text" name="user_code" value="${view.userCode}" placeholder="XXXX-XXXX" autocapitalize="characters" spellcheck="false" required autofocus></label>
<button type="submit" class="primary full">Continue</button>
</form>`,
  );
}

export interface DeviceSignInView {
  screen: DeviceScreen;
  csrfToken: string;
  action: string;
  failed: boolean;
  username: string | null;
  retryAfterSeconds?: number;
}

/** Sign in as a user of the client's tenant before approving its device. */
export function deviceSignInPage(view: DeviceSignInView): string {
  const { client, tenant, userCode } = view.screen;
  return renderPage(
    `Sign in · ${client.name}`,
    html`<p class="eyebrow">${tenant.name} · ${tenant.path}</p>
<h1>Sign in</h1>
<p class="lead">to connect <strong>${client.name}</strong> (code <span class="code">${userCode}</span>)</p>
${
  view.retryAfterSeconds !== undefined
    ? html`<p class="alert" role="alert">Too many failed sign-in attempts. Try again in ${waitText(view.retryAfterSeconds)}.</p>`
    : view.failed
      ? html`<p class="alert" role="alert">Invalid username or password.</p>`
      : ''
}
<form method="post" action="${view.action}" autocomplete="on">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<label>Username<input type="text" name="username" value="${view.username ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></label>
<label>Password<input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit" class="primary full">Sign in</button>
</form>`,
  );
}

export interface DeviceSecondFactorView {
  screen: DeviceScreen;
  csrfToken: string;
  action: string;
  failed: boolean;
  retryAfterSeconds?: number;
  /** "Use a passkey", when the user has one, with the shared passkey script that runs it. */
  passkey?: PasskeyForm & { scriptSrc: string };
  /** Why a passkey was refused. */
  message?: string;
}

/** After the password, for an account with two-step verification: a passkey, the TOTP or a recovery code. */
export function deviceSecondFactorPage(view: DeviceSecondFactorView): string {
  const { client, tenant, userCode } = view.screen;
  return renderPage(
    `Verification code · ${client.name}`,
    html`<p class="eyebrow">${tenant.name} · ${tenant.path}</p>
<h1>${view.passkey ? 'Verify it’s you' : 'Enter your verification code'}</h1>
${
  view.passkey
    ? html`<p class="lead">Use your passkey or security key to connect <strong>${client.name}</strong> (code <span class="code">${userCode}</span>), or enter a code below.</p>`
    : html`<p class="lead">Open your authenticator app and enter the 6-digit code, or one of your recovery codes, to connect <strong>${client.name}</strong> (code <span class="code">${userCode}</span>).</p>`
}
${
  view.retryAfterSeconds !== undefined
    ? html`<p class="alert" role="alert">Too many wrong codes. Try again in ${waitText(view.retryAfterSeconds)}.</p>`
    : view.message
      ? html`<p class="alert" role="alert">${view.message}</p>`
      : view.failed
        ? html`<p class="alert" role="alert">That code is not valid. Enter a new code from your app, or an unused recovery code.</p>`
        : ''
}
${view.passkey ? passkeySecondFactorForm(view.passkey, { pending: view.screen.pending, csrf_token: view.csrfToken }) : ''}
<form method="post" action="${view.action}" autocomplete="off">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<label>${view.passkey ? 'Verification or recovery code' : 'Verification code'}<input type="text" name="code" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required${view.passkey ? '' : html` autofocus`}></label>
<button type="submit" class="primary full">Verify</button>
</form>`,
    view.passkey ? [view.passkey.scriptSrc] : [],
  );
}

export interface DeviceConsentView {
  screen: DeviceScreen;
  user: User;
  csrfToken: string;
  action: string;
}

/** RFC 8628 §5.4: always ask, naming the client, the code and every scope; Approve or Deny. */
export function deviceConsentPage(view: DeviceConsentView): string {
  const { client, tenant, scopes, userCode } = view.screen;
  const items = scopes.map((scope) => html`<li><strong>${describeScope(scope)}</strong><code>${scope}</code></li>`);
  return renderPage(
    `Connect a device · ${client.name}`,
    html`<p class="eyebrow">${tenant.name} · ${tenant.path}</p>
<h1>Allow ${client.name} on your device?</h1>
<p class="lead">Signed in as <strong>${view.user.username}</strong>. Only approve if your device shows the code <strong class="code">${userCode}</strong>. ${client.name} will be able to:</p>
<ul class="scopes">${items}</ul>
<form method="post" action="${view.action}">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve" class="primary">Approve</button>
</div>
</form>`,
  );
}

/** The answer is recorded: back to the device. */
export function deviceDonePage(view: { approved: boolean; clientName: string }): string {
  const title = view.approved ? 'Device connected' : 'Request denied';
  return renderPage(
    title,
    html`<p class="eyebrow">Device sign-in</p>
<h1>${title}</h1>
<p class="lead">${
      view.approved
        ? html`${view.clientName} on your device is now signed in. You can close this window and return to your device.`
        : html`${view.clientName} was not given access. You can close this window.`
    }</p>`,
  );
}
