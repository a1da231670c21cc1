import type { SignInScreen } from '../domain/authorize/authorize-outcome';
import { html } from './html';
import { renderPage } from './layout';
import { returnHost } from './sign-in.page';

export interface LinkAccountView {
  screen: SignInScreen;
  /** The existing account's email, else its username. */
  shown: string;
  providerName: string;
  csrfToken: string;
  action: string;
  failed: boolean;
  retryAfterSeconds?: number;
}

const waitText = (seconds: number): string => (seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

/**
 * "An account for … already exists here" (issue 23, first federated sign-in): the existing
 * account's password links the provider to it; Cancel goes back to the sign-in form. One
 * generic message for a wrong password; never linked by email alone. "Link and sign in" comes
 * first: the form's default button, so Enter in the password field links, never cancels.
 */
export function linkAccountPage(view: LinkAccountView): string {
  const { clientName, tenantName, tenantPath, redirectUri } = view.screen;
  return renderPage(
    `Link ${view.providerName} · ${clientName}`,
    html`<p class="eyebrow">${tenantName === null ? tenantPath : html`${tenantName} · ${tenantPath}`}</p>
<h1>Link ${view.providerName}</h1>
<p class="lead" id="link-lead">An account for <strong>${view.shown}</strong> already exists here. Sign in to it to link ${view.providerName}.</p>
${
  view.retryAfterSeconds !== undefined
    ? html`<p class="alert" role="alert">Too many failed sign-in attempts. Try again in ${waitText(view.retryAfterSeconds)}.</p>`
    : view.failed
      ? html`<p class="alert" role="alert">That password is not correct. Nothing was linked.</p>`
      : ''
}
<form method="post" action="${view.action}" autocomplete="on" aria-describedby="link-lead">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<label>Password of the existing account<input type="password" name="password" autocomplete="current-password" required autofocus></label>
<div class="actions">
<button type="submit" class="primary">Link and sign in</button>
<button type="submit" name="cancel" value="1" class="secondary" formnovalidate>Cancel</button>
</div>
</form>
<p class="fine">Accounts are never joined by email alone: linking needs this account's own sign-in. Afterwards you will return to <span class="code">${returnHost(redirectUri)}</span></p>`,
  );
}
