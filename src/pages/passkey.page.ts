import type { PasskeyCeremony, PasskeySummary } from '../domain/passkeys/passkey.service';
import { html, type SafeHtml } from './html';

/** A passkey form on a page: where it posts, and the ceremony (options for the script, the sealed challenge). */
export interface PasskeyForm {
  readonly action: string;
  readonly ceremony: PasskeyCeremony<object>;
}

/**
 * A form the passkey script (passkey-script.ts) completes: `data-options` for the browser, the sealed
 * challenge and the hidden `response` field it fills; `fields` are the form's other hidden fields.
 * Without JavaScript the button still posts, and the server answers that passkeys need it.
 */
function ceremonyForm(
  form: PasskeyForm,
  mode: 'create' | 'get',
  fields: Readonly<Record<string, string>>,
  body: SafeHtml,
  conditional = false,
): SafeHtml {
  return html`<form method="post" action="${form.action}" data-webauthn="${mode}" data-options="${JSON.stringify(form.ceremony.options)}"${
    conditional ? html` data-conditional` : ''
  } autocomplete="off">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<input type="hidden" name="passkey_ticket" value="${form.ceremony.ticket}">
<input type="hidden" name="response" value="">
${body}
<p class="fine" data-webauthn-status role="status" aria-live="polite"></p>
</form>`;
}

/** The sign-in page's "Sign in with a passkey" button (and the autofill offer in the username field). */
export function passkeySignInForm(form: PasskeyForm, fields: Readonly<Record<string, string>>): SafeHtml {
  return html`<div class="passkey-option"><p class="fine" id="passkey-or">or</p>
${ceremonyForm(form, 'get', fields, html`<button type="submit" class="secondary full" aria-describedby="passkey-or">Sign in with a passkey</button>`, true)}</div>`;
}

/** The second-factor page's "Use a passkey" button. */
export function passkeySecondFactorForm(form: PasskeyForm, fields: Readonly<Record<string, string>>): SafeHtml {
  return ceremonyForm(form, 'get', fields, html`<button type="submit" class="primary full">Use a passkey</button>`);
}

const when = (date: Date | null): string => (date ? date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never');

export interface AccountPasskeysView {
  readonly passkeys: readonly PasskeySummary[];
  readonly csrfToken: string;
  readonly renameAction: string;
  readonly removeAction: string;
  /** Present when the sign-in is recent enough to add one; else `signInAgain` links to a fresh sign-in. */
  readonly add?: PasskeyForm;
  readonly signInAgain: string;
}

/** The account page's "Passkeys" section: list (name, created, last used), rename, remove, add. */
export function accountPasskeySection(view: AccountPasskeysView): SafeHtml {
  return html`<section aria-labelledby="passkeys-title"><h2 id="passkeys-title">Passkeys</h2>
<p class="lead">Sign in with your fingerprint, face, screen lock or a security key instead of a password, or use one as your second step.</p>
<ul class="devices" id="passkey-list">
${view.passkeys.length === 0 ? html`<li>No passkeys yet.</li>` : ''}
${view.passkeys.map(
  (
    passkey,
  ) => html`<li data-passkey-id="${passkey.id}"><span><strong>${passkey.name}</strong><br><span class="code">created ${when(passkey.createdAt)} · last used ${when(passkey.lastUsedAt)}${passkey.backedUp ? ' · synced' : ''}</span></span>
<form method="post" action="${view.renameAction}"><input type="hidden" name="csrf_token" value="${view.csrfToken}"><input type="hidden" name="passkey_id" value="${passkey.id}"><label>New name for ${passkey.name}<input type="text" name="name" maxlength="64" required></label><button type="submit" class="secondary">Rename</button></form>
<form method="post" action="${view.removeAction}"><input type="hidden" name="csrf_token" value="${view.csrfToken}"><input type="hidden" name="passkey_id" value="${passkey.id}"><button type="submit" class="secondary" aria-label="Remove ${passkey.name}">Remove</button></form></li>`,
)}
</ul>
${
  view.add
    ? ceremonyForm(
        view.add,
        'create',
        { csrf_token: view.csrfToken },
        html`<label>Passkey name<input type="text" name="name" maxlength="64" placeholder="e.g. Laptop"></label>
<button type="submit" class="primary full">Add a passkey</button>`,
      )
    : html`<p id="passkey-fresh">To add a passkey, <a href="${view.signInAgain}">sign in again</a> first (a sign-in within the last 5 minutes is needed).</p>`
}
<noscript><p class="fine">Adding and using passkeys needs JavaScript.</p></noscript>
</section>`;
}
