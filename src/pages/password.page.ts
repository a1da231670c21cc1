import { html } from './html';
import { renderPage } from './layout';

const eyebrow = (tenantName: string) => html`<p class="eyebrow">${tenantName}</p>`;

/** "Forgot password?": one field, an email address or username. */
export function forgotPasswordPage(view: { tenantName: string; action: string; problem?: string; identifier?: string }): string {
  return renderPage(
    'Forgot password',
    html`${eyebrow(view.tenantName)}
<h1>Forgot your password?</h1>
<p class="lead">Enter the email address or username of your account. If it has an email address, we send it a link to choose a new password.</p>
${view.problem ? html`<p class="alert" role="alert">${view.problem}</p>` : ''}
<form method="post" action="${view.action}">
<label>Email address or username<input type="text" name="identifier" value="${view.identifier ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></label>
<button type="submit" class="primary full">Send the link</button>
</form>`,
  );
}

/** The one answer to every reset request, whether an account exists or not. */
export function resetRequestedPage(view: { tenantName: string }): string {
  return renderPage(
    'Check your mail',
    html`${eyebrow(view.tenantName)}
<h1>Check your mail</h1>
<p class="lead" role="status">If an account with that email address or username exists, a link to choose a new password is on its way to its email address. The link works once, for 30 minutes.</p>`,
  );
}

/** The form behind a reset link: the new password, twice. */
export function resetPasswordPage(view: { tenantName: string; action: string; token: string; problem?: string }): string {
  return renderPage(
    'Choose a new password',
    html`${eyebrow(view.tenantName)}
<h1>Choose a new password</h1>
${view.problem ? html`<p class="alert" role="alert">${view.problem}</p>` : ''}
<form method="post" action="${view.action}">
<input type="hidden" name="token" value="${view.token}">
<label>New password<input type="password" name="password" autocomplete="new-password" minlength="8" required autofocus></label>
<label>Repeat the new password<input type="password" name="confirm" autocomplete="new-password" minlength="8" required></label>
<button type="submit" class="primary full">Set the new password</button>
</form>
<p class="fine">Setting it signs you out everywhere.</p>`,
  );
}

export function passwordChangedPage(view: { tenantName: string }): string {
  return renderPage(
    'Password changed',
    html`${eyebrow(view.tenantName)}
<h1>Password changed</h1>
<p class="lead" role="status">Your new password is set, and you are signed out everywhere. Sign in again with it in your application.</p>`,
  );
}

/** Behind a verification link: one button, so a mail scanner fetching the link confirms nothing. */
export function verifyEmailPage(view: { tenantName: string; action: string; token: string }): string {
  return renderPage(
    'Confirm your email address',
    html`${eyebrow(view.tenantName)}
<h1>Confirm your email address</h1>
<form method="post" action="${view.action}">
<input type="hidden" name="token" value="${view.token}">
<button type="submit" class="primary full">Confirm my email address</button>
</form>`,
  );
}

export function emailVerifiedPage(view: { tenantName: string }): string {
  return renderPage(
    'Email address confirmed',
    html`${eyebrow(view.tenantName)}
<h1>Email address confirmed</h1>
<p class="lead" role="status">Thank you: your email address is confirmed.</p>`,
  );
}
