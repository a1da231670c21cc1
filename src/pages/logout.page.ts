import { html } from './html';
import { renderPage } from './layout';

/** OIDC RP-Initiated Logout §2: ask before ending the session, so a cross-site link cannot sign the user out. */
export function signOutPage(view: { action: string; csrfToken: string; carried?: readonly (readonly [string, string])[] }): string {
  return renderPage(
    'Sign out',
    html`<p class="eyebrow">Account</p>
<h1>Sign out?</h1>
<p class="lead">You will be signed out of this identity provider on this browser.</p>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
${(view.carried ?? []).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit" class="primary full">Sign out</button>
</form>`,
  );
}

export function signedOutPage(): string {
  return renderPage(
    'Signed out',
    html`<p class="eyebrow">Account</p>
<h1>You are signed out</h1>
<p class="lead">You can close this window.</p>`,
  );
}

/**
 * "Signed out", continuing at `location` at once by refresh, or by the link: a page rather than a redirect,
 * since a redirect that follows another page's form is bound by that page's CSP form-action.
 */
export function signedOutContinuePage(location: string): string {
  return renderPage(
    'Signed out',
    html`<p class="eyebrow">Account</p>
<h1>You are signed out</h1>
<p class="lead">Continuing…</p>
<p><a href="${location}">Continue</a></p>`,
    [],
    html`<meta http-equiv="refresh" content="0;url=${location}">
`,
  );
}
