import type { InteractionScreen } from '../domain/authorize/authorize-outcome';
import type { User } from '../domain/users/user';
import { html } from './html';
import { renderPage } from './layout';
import { describeScope } from './scope-descriptions';
import { returnHost } from './sign-in.page';

export interface ConsentView {
  screen: InteractionScreen;
  user: User;
  newScopes: readonly string[];
  csrfToken: string;
  action: string;
}

/** The consent form of a third-party client: every requested scope in words, Allow or Deny. */
export function consentPage(view: ConsentView): string {
  const { client, tenant, request } = view.screen;
  const someKnown = view.newScopes.length < request.scopes.length;
  const items = request.scopes.map(
    (scope) =>
      html`<li><strong>${describeScope(scope)}${someKnown && view.newScopes.includes(scope) ? html`<span class="badge">new</span>` : ''}</strong><code>${scope}</code></li>`,
  );
  return renderPage(
    `Allow access · ${client.name}`,
    html`<p class="eyebrow">${tenant.name} · ${tenant.path}</p>
<h1>${client.name} wants to access your account</h1>
<p class="lead">Signed in as <strong>${view.user.username}</strong>. This will allow ${client.name} to:</p>
<ul class="scopes">${items}</ul>
<form method="post" action="${view.action}">
<input type="hidden" name="pending" value="${view.screen.pending}">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="allow" class="primary">Allow</button>
</div>
</form>
<p class="fine">Either way you will return to <span class="code">${returnHost(request.redirectUri)}</span>. You can change your mind later by signing out and asking the application to connect again.</p>`,
  );
}
