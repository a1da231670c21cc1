import type { Device } from '../domain/device-token-sets/device';
import type { ListedSession } from '../domain/sessions/browser-session-store';
import type { DeviceTokenSet } from '../domain/device-token-sets/device-token-set';
import type { User } from '../domain/users/user';
import { html, type SafeHtml } from './html';
import { renderPage } from './layout';
import type { FactorOverview, TotpEnrolment } from '../domain/mfa/second-factor.service';
import { recoveryCodeList, totpSetup } from './second-factor.page';

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
  /** The user's browser sessions (newest first), which of them is this browser's, and where the end forms post. */
  sessions: {
    list: readonly ListedSession[];
    currentSid: string;
    endAction: string;
    endOthersAction: string;
  };
  /** Two-step verification: what the user has, and where its forms post. */
  secondFactor: {
    offered: boolean;
    overview: FactorOverview;
    startAction: string;
    confirmAction: string;
    /** An enrolment in progress: its QR code and key, with the confirmation form. */
    enrolment?: TotpEnrolment;
    /** Shown once, right after the enrolment was confirmed. */
    recoveryCodes?: readonly string[];
  };
  /** The "Passkeys" section (passkey.page.ts). */
  passkeys?: SafeHtml;
  /** The "Linked sign-ins" section (linked-sign-ins.page.ts). */
  linkedSignIns?: SafeHtml | string;
}

/** The account page's two-step verification section. */
function secondFactorSection(view: AccountView): SafeHtml | string {
  const { secondFactor: mfa } = view;
  const confirmed = mfa.overview.factors.some((factor) => factor.kind === 'totp' && factor.confirmed);
  if (!mfa.offered && !confirmed) return '';
  return html`<section aria-labelledby="mfa-title"><h2 id="mfa-title">Two-step verification</h2>
${mfa.recoveryCodes ? recoveryCodeList(mfa.recoveryCodes) : ''}
${
  confirmed
    ? html`<p id="mfa-status">On: authenticator app. ${String(mfa.overview.recoveryCodesLeft)} recovery codes left.</p>`
    : mfa.enrolment
      ? html`${totpSetup(mfa.enrolment)}
<form method="post" action="${mfa.confirmAction}" autocomplete="off">
<input type="hidden" name="csrf_token" value="${view.csrfToken}">
<label>Code from the app<input type="text" name="code" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required></label>
<button type="submit" class="primary full">Turn on</button>
</form>`
      : html`<p id="mfa-status">Off. Add an authenticator app to protect your account with a code at sign-in.</p>
<form method="post" action="${mfa.startAction}"><input type="hidden" name="csrf_token" value="${view.csrfToken}"><button type="submit" class="secondary">Set up authenticator app</button></form>`
}</section>`;
}

/** The account page's sessions section: each signed-in browser with the apps it signed into, and "End" buttons. */
function sessionsSection(view: AccountView): SafeHtml {
  const { sessions } = view;
  const others = sessions.list.filter((listed) => listed.record.session.sid !== sessions.currentSid).length;
  return html`<section aria-labelledby="sessions-title"><h2 id="sessions-title">Sessions</h2>
<ul class="devices sessions">
${sessions.list.map((listed) => {
  const { session } = listed.record;
  const current = session.sid === sessions.currentSid;
  const apps = listed.clients.length === 0 ? 'no apps yet' : listed.clients.map((client) => client.name).join(', ');
  return html`<li data-session-id="${session.sid}"><span><strong>${current ? 'This browser' : 'Another browser'}</strong>${current ? html` <span class="code">(current)</span>` : ''}<br><span class="code">signed in ${when(session.authTime)} · ${session.amr.join(' ')} · until ${when(session.expiresAt)}</span><br><span>Apps: ${apps}</span></span>
<form method="post" action="${sessions.endAction}"><input type="hidden" name="csrf_token" value="${view.csrfToken}"><input type="hidden" name="session_id" value="${session.sid}"><button type="submit" class="secondary" aria-label="${current ? 'End this session (sign out)' : `End session signed in ${when(session.authTime)}`}">End</button></form></li>`;
})}
</ul>
${
  others > 0
    ? html`<form method="post" action="${sessions.endOthersAction}"><input type="hidden" name="csrf_token" value="${view.csrfToken}"><button type="submit" class="secondary">Sign out everywhere else</button></form>`
    : ''
}</section>`;
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
</form>
${sessionsSection(view)}
${secondFactorSection(view)}
${view.passkeys ?? ''}
${view.linkedSignIns ?? ''}`,
    [view.scriptSrc],
  );
}
