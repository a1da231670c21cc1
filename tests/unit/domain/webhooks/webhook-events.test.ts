import type { AuditEvent } from '../../../../src/domain/audit/audit-event';
import { webhookEventOf } from '../../../../src/domain/webhooks/webhook-events';

const at = new Date('2026-12-07T08:00:00Z');
const event = (fields: Partial<AuditEvent>): AuditEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  occurredAt: at,
  action: 'updateUser',
  outcome: 'success',
  tenantPath: '/acme',
  actorKind: 'user',
  actorId: 'admin-1',
  targetKind: 'user',
  targetId: 'u1',
  ...fields,
});

describe('webhookEventOf', () => {
  it('maps audit actions to webhook types, a disabling change to user.disabled, and orders by subject', () => {
    const of = (fields: Partial<AuditEvent>) => webhookEventOf(event(fields));
    expect(of({})).toMatchObject({ type: 'user.updated', subject: 'user:u1' });
    expect(of({ detail: { enabled: false } })?.type).toBe('user.disabled');
    expect(of({ action: 'scimPatchUser', actorKind: 'scim', detail: { active: false } })?.type).toBe('user.disabled');
    expect(of({ action: 'createClient', targetKind: 'client', targetId: 'app' })).toMatchObject({
      type: 'client.created',
      subject: 'client:app',
    });
    // A sign-in is about its user (or the username tried), not the grant type it names as target.
    expect(of({ action: 'signin', actorId: 'u2', targetKind: 'grant_type', targetId: 'password' })).toMatchObject({
      type: 'signin.succeeded',
      subject: 'user:u2',
    });
    expect(of({ action: 'signin', outcome: 'failure', actorKind: 'anonymous', actorId: 'mallory' })).toMatchObject({
      type: 'signin.failed',
      subject: 'username:mallory',
    });
    // Failures other than sign-ins, and actions without a type, are no events.
    expect(of({ outcome: 'failure' })).toBeNull();
    expect(of({ action: 'throttle' })).toBeNull();
  });

  it('sends the audit fields as the body, with a retry window of a day', () => {
    const mapped = webhookEventOf(event({ detail: { enabled: false }, clientIp: '203.0.113.7' }))!;
    expect(JSON.parse(mapped.body)).toEqual({
      type: 'user.disabled',
      timestamp: '2026-12-07T08:00:00.000Z',
      data: {
        eventId: '00000000-0000-4000-8000-000000000001',
        action: 'updateUser',
        outcome: 'success',
        tenantPath: '/acme',
        actor: { kind: 'user', id: 'admin-1', clientId: null },
        target: { kind: 'user', id: 'u1' },
        clientIp: '203.0.113.7',
        requestId: null,
        detail: { enabled: false },
      },
    });
    expect(mapped.giveUpAt.getTime() - at.getTime()).toBe(86_400_000);
  });
});
