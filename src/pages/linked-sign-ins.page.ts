import type { LinkedIdentity } from '../domain/federation/federated-identity.service';
import { html, type SafeHtml } from './html';

const when = (date: Date | null): string => (date ? date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never');

export interface LinkedSignInsView {
  readonly linked: readonly LinkedIdentity[];
  /** The tenant's enabled providers not linked yet. */
  readonly linkable: readonly { readonly alias: string; readonly name: string }[];
  readonly csrfToken: string;
  readonly linkAction: string;
  readonly unlinkAction: string;
  /** Whether the sign-in is recent enough to link; else `signInAgain` links to a fresh sign-in. */
  readonly fresh: boolean;
  readonly signInAgain: string;
}

/** The account page's "Linked sign-ins" section (issue 23): each linked provider with Unlink, and "Link …" for the others. */
export function linkedSignInsSection(view: LinkedSignInsView): SafeHtml | string {
  if (view.linked.length === 0 && view.linkable.length === 0) return '';
  return html`<section aria-labelledby="linked-title"><h2 id="linked-title">Linked sign-ins</h2>
<ul class="devices" id="linked-list">
${view.linked.length === 0 ? html`<li>No linked sign-ins yet.</li>` : ''}
${view.linked.map(
  (
    identity,
  ) => html`<li data-identity-id="${identity.id}"><span><strong>${identity.providerName}</strong><br><span class="code">linked ${when(identity.linkedAt)} · last used ${when(identity.lastUsedAt)}</span></span>
<form method="post" action="${view.unlinkAction}"><input type="hidden" name="csrf_token" value="${view.csrfToken}"><input type="hidden" name="identity_id" value="${identity.id}"><button type="submit" class="secondary" aria-label="Unlink ${identity.providerName}">Unlink</button></form></li>`,
)}
</ul>
${
  view.linkable.length === 0
    ? ''
    : view.fresh
      ? view.linkable.map(
          (provider) =>
            html`<form method="post" action="${view.linkAction}"><input type="hidden" name="csrf_token" value="${view.csrfToken}"><input type="hidden" name="provider" value="${provider.alias}"><button type="submit" class="secondary full">Link ${provider.name}</button></form>`,
        )
      : html`<p id="link-fresh">To link a sign-in, <a href="${view.signInAgain}">sign in again</a> first (a sign-in within the last 5 minutes is needed).</p>`
}
</section>`;
}
