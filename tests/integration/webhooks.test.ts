import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { AdminSdk } from '../../src/sdk/client';
import { graphqlError, rootAdminSdk } from '../support/admin-sdk';
import { sqlRows } from '../support/sql';
import { startTestServer, type TestServer } from '../support/test-server';

interface Received {
  id: string;
  type: string;
  subject: string;
}

/**
 * A webhook receiver on 127.0.0.1. It checks every request with the documented recipe, written here on
 * its own (Standard Webhooks): HMAC-SHA-256 keyed with the base64 after `whsec_`, over
 * `${webhook-id}.${webhook-timestamp}.${raw body}`, base64, compared with each `v1,` entry of
 * `webhook-signature`; the timestamp within 5 minutes. It answers 503 while `down` (and once to each of
 * `refuseOnce`), 401 to a bad signature.
 */
class Receiver {
  down = false;
  /** `type subject` of events to answer 503 once more even while up. */
  readonly refuseOnce = new Set<string>();
  secret = '';
  readonly accepted: Received[] = [];
  refused = 0;
  badSignatures = 0;
  private waiters: { done: () => boolean; resolve: () => void }[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id']);
      const timestamp = String(req.headers['webhook-timestamp']);
      const key = Buffer.from(this.secret.slice('whsec_'.length), 'base64');
      const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest('base64'));
      const valid =
        Math.abs(Date.now() / 1000 - Number(timestamp)) < 300 &&
        String(req.headers['webhook-signature'])
          .split(' ')
          .some((entry) => {
            const given = Buffer.from(entry.replace(/^v1,/, ''));
            return entry.startsWith('v1,') && given.length === expected.length && timingSafeEqual(given, expected);
          });
      let status = 401;
      if (!valid) this.badSignatures++;
      else {
        const body = JSON.parse(raw) as { type: string; data: { target: { kind: string; id: string } | null } };
        const event = { id, type: body.type, subject: `${body.data.target?.kind}:${body.data.target?.id}` };
        const refuse = this.down || this.refuseOnce.delete(`${event.type} ${event.subject}`);
        if (refuse) this.refused++;
        else this.accepted.push(event);
        status = refuse ? 503 : 204;
      }
      res.writeHead(status).end();
      this.waiters = this.waiters.filter((waiter) => !(waiter.done() && (waiter.resolve(), true)));
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves once `done` holds after a request (or now). */
  until(done: () => boolean): Promise<void> {
    return done() ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The server's warnings (`webhook not delivered; …`), awaited by predicate: the dispatcher's own signal, no polling. */
class LogWatch {
  private lines: Record<string, unknown>[] = [];
  private waiters: { match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  readonly logger = pino(
    { level: 'warn' },
    {
      write: (text: string) => {
        const line = JSON.parse(text) as Record<string, unknown>;
        this.lines.push(line);
        this.waiters = this.waiters.filter((waiter) => !(waiter.match(line) && (waiter.resolve(line), true)));
      },
    },
  );

  next(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const seen = this.lines.find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

/**
 * Issue 24 item 2: per-tenant webhooks for audit events, signed (Standard Webhooks), from an outbox written
 * with the audit rows, retried with backoff (WEBHOOK_RETRY_FIRST_MS=50 here), in order per subject, once per
 * 2xx, across a restart; bad input named; a private-address target refused at delivery unless allowed.
 */
describe('event webhooks', () => {
  const env = { SECRET_KEY: randomBytes(32).toString('base64'), WEBHOOK_RETRY_FIRST_MS: '50' };
  const receiver = new Receiver();
  const logs = new LogWatch();
  let t: TestServer;
  let second: TestServer | undefined;
  let sdk: AdminSdk;
  let hookUrl: string;
  let webhookId: string;

  beforeAll(async () => {
    hookUrl = await receiver.listen();
    t = await startTestServer({ env, logger: logs.logger });
    sdk = await rootAdminSdk(t.url);
    await sdk.createTenant({ input: { path: '/acme' } });
    await sdk.createTenant({ input: { path: '/acme/eu' } });
    const { createWebhook } = await sdk.createWebhook({
      tenantPath: '/acme',
      url: hookUrl,
      eventTypes: ['user.created', 'user.updated', 'user.disabled', 'client.created', 'client.updated'],
      description: 'test receiver',
    });
    expect(createWebhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.secret = createWebhook.secret;
    webhookId = createWebhook.webhook.id;
  });

  afterAll(async () => {
    await second?.close();
    await t.close();
    await receiver.close();
  });

  it('refuses a non-https URL, a private address and an unknown event type, naming the field', async () => {
    const bad = async (url: string, eventTypes: string[]) =>
      (await graphqlError(sdk.createWebhook({ tenantPath: '/acme', url, eventTypes }))).extensions;
    expect(await bad('http://hooks.example.com/in', ['user.created'])).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(await bad('https://10.0.0.5/in', ['user.created'])).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(await bad('https://hooks.example.com/in', ['user.created', 'user.exploded'])).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'eventTypes',
    });
  });

  it('delivers the tenant’s events signed, each once and in order per subject, across an outage and a restart as two processes', async () => {
    // Up: a user created and disabled, a client created and changed; a sub-tenant's user is not the tenant's event.
    const { createUser: ada } = await sdk.createUser({ input: { tenantPath: '/acme', username: 'ada', password: 'ada-password-123' } });
    await sdk.updateUser({ id: ada.id, input: { enabled: false } });
    const { createClient } = await sdk.createClient({ input: { tenantPath: '/acme', name: 'Acme app' } });
    const clientId = createClient.client.clientId;
    await sdk.updateClient({ clientId, input: { name: 'Acme app 2' } });
    await sdk.createUser({ input: { tenantPath: '/acme/eu', username: 'eve', password: 'eve-password-123' } });
    await receiver.until(() => receiver.accepted.length >= 4);
    const ofSubject = (subject: string) => receiver.accepted.filter((r) => r.subject === subject).map((r) => r.type);
    expect(ofSubject(`user:${ada.id}`)).toEqual(['user.created', 'user.disabled']);
    expect(ofSubject(`client:${clientId}`)).toEqual(['client.created', 'client.updated']);

    // Down (503): three changes of one user and one of another; the first of each is retried, the rest wait behind it.
    receiver.down = true;
    const { createUser: bob } = await sdk.createUser({ input: { tenantPath: '/acme', username: 'bob', password: 'bob-password-123' } });
    await sdk.updateUser({ id: bob.id, input: { email: 'bob@acme.example' } });
    await sdk.updateUser({ id: bob.id, input: { enabled: false } });
    const { createUser: cy } = await sdk.createUser({ input: { tenantPath: '/acme', username: 'cy', password: 'cy-password-123' } });
    await receiver.until(() => receiver.refused >= 4);

    // A restart while the receiver is down, as two processes on the same database (same SECRET_KEY; private
    // 192.0.2.0/24 now allowed) competing for the outbox; then the receiver is up.
    await t.close();
    const restarted = { ...env, OUTBOUND_ALLOW_CIDRS: '192.0.2.0/24' };
    t = await startTestServer({ env: restarted, logger: logs.logger, databaseUrl: t.databaseUrl });
    second = await startTestServer({ env: restarted, logger: logs.logger, databaseUrl: t.databaseUrl });
    sdk = await rootAdminSdk(t.url);
    // Up, but bob's first event is refused once more: his later events must still wait behind it.
    receiver.refuseOnce.add(`user.created user:${bob.id}`);
    receiver.down = false;
    await receiver.until(() => receiver.accepted.length >= 8);
    expect(ofSubject(`user:${bob.id}`)).toEqual(['user.created', 'user.updated', 'user.disabled']);
    expect(ofSubject(`user:${cy.id}`)).toEqual(['user.created']);
    expect(receiver.accepted).toHaveLength(8);
    expect(new Set(receiver.accepted.map((r) => r.id)).size).toBe(8);
    expect(receiver.badSignatures).toBe(0);

    // Attempts and results in GraphQL; an admin's redelivery arrives again under the same webhook-id.
    const { webhookDeliveries } = await sdk.webhookDeliveries({ webhookId, first: 20 });
    expect(webhookDeliveries.totalCount).toBe(8);
    const bobCreated = webhookDeliveries.nodes.find((d) => d.subject === `user:${bob.id}` && d.eventType === 'user.created')!;
    expect(bobCreated).toMatchObject({ status: 'DELIVERED', lastStatus: 204, lastError: null });
    expect(bobCreated.attempts).toBeGreaterThan(1);
    await sdk.redeliverWebhook({ deliveryId: bobCreated.id });
    await receiver.until(() => receiver.accepted.length >= 9);
    expect(receiver.accepted[8]!.id).toBe(bobCreated.id);
  });

  it('refuses a private address at delivery unless OUTBOUND_ALLOW_CIDRS allows it', async () => {
    // A URL that passed creation but leads to a private address (as a name resolving there would): set in the table directly.
    const { createWebhook } = await sdk.createWebhook({ tenantPath: '/acme', url: hookUrl, eventTypes: ['user.created'] });
    await sqlRows(t.databaseUrl, 'update webhooks set url = $1 where id = $2', ['https://10.9.9.9/hook', createWebhook.webhook.id]);
    await sdk.createUser({ input: { tenantPath: '/acme', username: 'dan', password: 'dan-password-123' } });
    const refused = await logs.next((line) => line.webhookId === createWebhook.webhook.id);
    expect(String(refused.reason)).toMatch(/refused/);

    // 192.0.2.0/24 is allowed on this server: the request is made (and fails for want of a host, not by policy).
    await sqlRows(t.databaseUrl, 'update webhooks set url = $1 where id = $2', ['https://192.0.2.1/hook', createWebhook.webhook.id]);
    const { webhookDeliveries } = await sdk.webhookDeliveries({ webhookId: createWebhook.webhook.id });
    await sdk.redeliverWebhook({ deliveryId: webhookDeliveries.nodes[0]!.id });
    const attempted = await logs.next((line) => line.webhookId === createWebhook.webhook.id && !/refused/.test(String(line.reason)));
    expect(String(attempted.reason)).not.toMatch(/refused/);
  });
});
