import type { AuditEvent } from '../audit/audit-event';

/** The event types a webhook can subscribe to, each derived from audit events (see {@link webhookEventOf}). */
export const WEBHOOK_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.disabled',
  'user.deleted',
  'signin.succeeded',
  'signin.failed',
  'tokens.revoked',
  'client.created',
  'client.updated',
  'client.deleted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (value: string): value is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);

/** Successful audit actions and the webhook type they are (`user.updated` becomes `user.disabled` when the change disabled the user). */
const SUCCESS_TYPES: Readonly<Record<string, WebhookEventType>> = {
  createUser: 'user.created',
  inviteUser: 'user.created',
  scimCreateUser: 'user.created',
  updateUser: 'user.updated',
  setUserPassword: 'user.updated',
  resetUserSecondFactors: 'user.updated',
  scimReplaceUser: 'user.updated',
  scimPatchUser: 'user.updated',
  deleteUser: 'user.deleted',
  scimDeleteUser: 'user.deleted',
  signin: 'signin.succeeded',
  passkeySignIn: 'signin.succeeded',
  revoke: 'tokens.revoked',
  revokeToken: 'tokens.revoked',
  revokeUserTokens: 'tokens.revoked',
  revokeClientTokens: 'tokens.revoked',
  revokeTokensIssuedBefore: 'tokens.revoked',
  revokeDevice: 'tokens.revoked',
  createClient: 'client.created',
  registerClient: 'client.created',
  updateClient: 'client.updated',
  rotateClientSecret: 'client.updated',
  deleteClient: 'client.deleted',
};

/** Failed audit actions that are events of their own. */
const FAILURE_TYPES: Readonly<Record<string, WebhookEventType>> = {
  signin: 'signin.failed',
  passkeySignIn: 'signin.failed',
};

/** What one audit event means for webhooks: its type, the subject it is ordered by, and the body sent. */
export interface WebhookEvent {
  readonly eventId: string;
  readonly tenantPath: string;
  readonly type: WebhookEventType;
  /** Deliveries of one subject to one webhook arrive in the order the events were written. */
  readonly subject: string;
  /** The JSON body, exactly as sent and signed. */
  readonly body: string;
  readonly occurredAt: Date;
  /** Deliveries are retried until a day after the event, then marked failed. */
  readonly giveUpAt: Date;
}

/** How long deliveries of an event (or of a redelivery) are retried. */
export const WEBHOOK_RETRY_WINDOW_MS = 86_400_000;

/** The webhook event an audit event is, or null when no webhook type covers it. */
export function webhookEventOf(event: AuditEvent): WebhookEvent | null {
  let type = (event.outcome === 'success' ? SUCCESS_TYPES : FAILURE_TYPES)[event.action];
  if (!type) return null;
  // A change that disabled the user (GraphQL `enabled: false`, SCIM `active: false`).
  if (type === 'user.updated' && (event.detail?.enabled === false || event.detail?.active === false)) type = 'user.disabled';
  const signIn = type.startsWith('signin.');
  // A sign-in is about the user (or the username tried); everything else about its target.
  const subject = signIn
    ? `${event.outcome === 'success' ? 'user' : 'username'}:${event.actorId ?? ''}`
    : event.targetId
      ? `${event.targetKind ?? 'target'}:${event.targetId}`
      : `event:${event.id}`;
  const body = JSON.stringify({
    type,
    timestamp: event.occurredAt.toISOString(),
    data: {
      eventId: event.id,
      action: event.action,
      outcome: event.outcome,
      tenantPath: event.tenantPath,
      actor: { kind: event.actorKind, id: event.actorId ?? null, clientId: event.actorClientId ?? null },
      target: event.targetId ? { kind: event.targetKind ?? null, id: event.targetId } : null,
      clientIp: event.clientIp ?? null,
      requestId: event.requestId ?? null,
      detail: event.detail ?? {},
    },
  });
  const giveUpAt = new Date(event.occurredAt.getTime() + WEBHOOK_RETRY_WINDOW_MS);
  return { eventId: event.id, tenantPath: event.tenantPath, type, subject, body, occurredAt: event.occurredAt, giveUpAt };
}
