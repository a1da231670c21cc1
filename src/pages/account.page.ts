import type { Device } from '../domain/device-token-sets/device';
import type { DeviceTokenSet } from '../domain/device-token-sets/device-token-set';
import type { User } from '../domain/users/user';
import { html, type SafeHtml } from './html';
import { renderPage } from './layout';

export interface AccountView {
  user: User;
  tenantPath: string;
  devices: readonly Device[];
  csrfToken: string;
  createAction: string;
  revokeAction: string;
  scriptSrc: string;
  /** Shown once, right after creation. */
  created?: DeviceTokenSet;
  failed?: string;
}

const when = (date: Date | null): string => (date ? date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'never');

const secret = (label: string, id: string, value: string): SafeHtml =>
  html`<label for="${id}">${label}</label><code class="secret" id="${id}">${value}</code>
<button type="button" class="secondary" data-copy="${id}">Copy ${label}</button>`;

/** Seed 002 "Halaman Device": the user's devices, a form to generate a token set, and revoke buttons. */
export function accountPage(view: AccountView): string {
  const { created } = view;
  return renderPage(
    'Devices',
    html`<p class="eyebrow">${view.tenantPath} · ${view.user.username}</p>
<h1>Devices</h1>
${view.failed ? html`<p class="alert" role="alert">${view.failed}</p>` : ''}
${
  created
    ? html`<section aria-label="New device tokens"><p class="lead">Store these now: they are not shown again.</p>
${secret('IdToken', 'id-token', created.IdToken)}
${secret('RefreshToken', 'refresh-token', created.RefreshToken)}
${secret('DeviceId', 'device-id', created.DeviceId)}</section>`
    : ''
}
<ul class="devices">
${view.devices.length === 0 ? html`<li>No devices yet.</li>` : ''}
${view.devices.map(
  (
    device,
  ) => html`<li data-device-id="${device.id}"><span><strong>${device.name}</strong><br><span class="code">created ${when(device.createdAt)} · last used ${when(device.lastUsedAt)}${device.revokedAt ? html` · revoked ${when(device.revokedAt)}` : ''}</span></span>
${
  device.revokedAt
    ? ''
    : html`<form method="post" action="${view.revokeAction}"><input type="hidden" name="csrf_token" value="${view.csrfToken}"><input type="hidden" name="device_id" value="${device.id}"><button type="submit" class="secondary">Revoke</button></form>`
}</li>`,
)}
</ul>
<form method="post" action="${view.createAction}" autocomplete="off">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<label>Device name<input type="text" name="name" required maxlength="200"></label>
<label>Token (enter your password)<input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit" class="primary full">Generate token</button>
</form>`,
    [view.scriptSrc],
  );
}
