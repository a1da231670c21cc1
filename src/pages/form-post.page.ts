import { createHash } from 'node:crypto';
import { html } from './html';
import { renderPage } from './layout';

/** The one inline script of the hosted pages: it submits the response form. Allowed by its hash, never by 'unsafe-inline'. */
const SUBMIT_SCRIPT = 'document.forms[0].submit();';

/** CSP source allowing exactly {@link SUBMIT_SCRIPT} (CSP3 hash source). */
export const FORM_POST_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(SUBMIT_SCRIPT).digest('base64')}'`;

/**
 * OAuth 2.0 Form Post Response Mode §2: the authorization response as hidden fields of a form
 * posted to the redirect URI, submitted by a script at once; without scripts, by a button.
 */
export function formPostPage(action: string, fields: Readonly<Record<string, string>>): string {
  return renderPage(
    'Returning to the application',
    html`<p class="eyebrow">Sign-in</p>
<h1>Returning to the application</h1>
<form method="post" action="${action}">
${Object.entries(fields).map(
  ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">
`,
)}<noscript><p class="lead">Scripts are turned off in this browser: continue by hand.</p><button type="submit" class="primary full">Continue</button></noscript>
</form>
<script>${SUBMIT_SCRIPT}</script>`,
  );
}
