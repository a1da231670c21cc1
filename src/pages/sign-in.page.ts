import type { SignInScreen } from '../domain/authorize/authorize-outcome';
import { html } from './html';
import { renderPage } from './layout';
import { passkeySignInForm, type PasskeyForm } from './passkey.page';

export interface SignInView {
  screen: SignInScreen;
  csrfToken: string;
  action: string;
  failed: boolean;
  username: string | null;
  /** Too many failed attempts: the seconds until signing in may work again. */
  retryAfterSeconds?: number;
  /** `{I}/password/forgot` of the tenant, when email flows are on (SMTP_URL). */
  forgotPasswordUrl?: string;
  /** "Sign in with a passkey", with the script that runs it. */
  passkey?: PasskeyForm & { scriptSrc: string };
  /** Why a passkey was refused (replaces the password's message). */
  message?: string;
}

const waitText = (seconds: number): string => (seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

/** The hosted sign-in form: names the client and tenant; one generic message on failure (no user enumeration). */
export function signInPage(view: SignInView): string {
  const { clientName, tenantName, tenantPath, redirectUri } = view.screen;
  return renderPage(
    `Sign in · ${clientName}`,
    html`<p class="eyebrow">${tenantName === null ? tenantPath : html`${tenantName} · ${tenantPath}`}</p>
<h1>Sign in</h1>
<p class="lead">to continue to <strong>${clientName}</strong></p>
${
  view.retryAfterSeconds !== undefined
    ? html`<p class="alert" role="alert">Too many failed sign-in attempts. Try again in ${waitText(view.retryAfterSeconds)}.</p>`
    : view.message
      ? html`<p class="alert" role="alert">${view.message}</p>`
      : view.failed
        ? html`<p class="alert" role="alert">Invalid username or password.</p>`
        : ''
}
<form method="post" action="${view.action}" autocomplete="on">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
${
  view.screen.homeRealm
    ? html`<label>Username or work email<input type="text" name="username" value="${view.username ?? ''}" autocomplete="${view.passkey ? 'username webauthn' : 'username'}" autocapitalize="none" spellcheck="false" required autofocus aria-describedby="home-realm-hint"></label>
<p class="fine" id="home-realm-hint">With a work email of an organisation that signs in elsewhere, leave the password empty: you will be taken to its sign-in page.</p>
<label>Password<input type="password" name="password" autocomplete="current-password"></label>`
    : html`<label>Username<input type="text" name="username" value="${view.username ?? ''}" autocomplete="${view.passkey ? 'username webauthn' : 'username'}" autocapitalize="none" spellcheck="false" required autofocus></label>
<label>Password<input type="password" name="password" autocomplete="current-password" required></label>`
}
<button type="submit" class="primary full">Sign in</button>
</form>
${view.passkey ? passkeySignInForm(view.passkey, { pending: view.screen.pending, csrf_token: view.csrfToken }) : ''}
${(view.screen.providers ?? []).map(
  (provider) => html`<form method="post" action="${view.action}">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<input type="hidden" name="provider" value="${provider.alias}">
<button type="submit" class="secondary full">Sign in with ${provider.name}</button>
</form>`,
)}
${view.forgotPasswordUrl ? html`<p class="fine"><a href="${view.forgotPasswordUrl}">Forgot password?</a></p>` : ''}
<p class="fine">After signing in you will return to <span class="code">${returnHost(redirectUri)}</span></p>`,
    view.passkey ? [view.passkey.scriptSrc] : [],
  );
}

/** The host (or private scheme) the user will be sent back to, shown so a look-alike client is noticed. */
export function returnHost(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.host || url.protocol;
}
