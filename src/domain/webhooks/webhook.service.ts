import { requireAdmin, withinActorSubtree, type Actor } from '../actor';
import type { Clock } from '../clock';
import { hasControlCharacter } from '../control-characters';
import type { ServerSecret } from '../crypto/server-secret';
import { ensure, errors } from '../errors';
import { isUuid } from '../ids';
import { outboundUrlRefusal, type OutboundPolicy } from '../outbound/outbound-policy';
import type { Page, PageRequest } from '../pagination';
import type { TenantService } from '../tenants/tenant.service';
import type { WebhookDispatcher } from './webhook-dispatcher';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, WEBHOOK_RETRY_WINDOW_MS } from './webhook-events';
import { newWebhookSecret } from './webhook-signature';
import type { Webhook, WebhookChanges, WebhookDelivery, WebhookDeliveryStatus, WebhookStore } from './webhook-store';

/** At most this many webhooks per tenant. */
const MAX_PER_TENANT = 20;

export interface WebhookInput {
  readonly url?: string | null;
  readonly eventTypes?: readonly string[] | null;
  readonly description?: string | null;
  readonly enabled?: boolean | null;
}

export interface WebhookWithSecret {
  readonly webhook: Webhook;
  /** `whsec_…`: shown once, at creation or rotation. */
  readonly secret: string;
}

/**
 * A tenant's event webhooks: admins of the tenant's subtree create, change, delete them, rotate their
 * signing secret, and read and redeliver their deliveries. A webhook receives the events of its own
 * tenant only (not of its sub-tenants). The secret is sealed with the server secret (it must be read
 * to sign) and shown once. URLs must pass the outbound policy: https (http on loopback only while the
 * server runs on loopback), no private or reserved address literal; names are judged again at delivery.
 */
export class WebhookService {
  constructor(
    private readonly store: WebhookStore,
    private readonly tenants: TenantService,
    private readonly dispatcher: WebhookDispatcher,
    private readonly policy: OutboundPolicy,
    private readonly secret: ServerSecret,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, tenantPath: string | null | undefined, input: WebhookInput): Promise<WebhookWithSecret> {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    const url = this.validUrl(input.url);
    const eventTypes = validEventTypes(input.eventTypes);
    const description = validDescription(input.description);
    const existing = await this.store.listByTenant(tenant.id);
    ensure(existing.length < MAX_PER_TENANT, () => errors.validation('tenantPath', `a tenant has at most ${MAX_PER_TENANT} webhooks`));
    const secret = newWebhookSecret();
    const now = this.clock.now();
    const webhook = await this.store.insert({
      tenantId: tenant.id,
      url,
      eventTypes,
      description,
      sealedSecret: this.secret.encrypt(secret, 'webhook-secret'),
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
    return { webhook, secret };
  }

  async list(actor: Actor, tenantPath: string | null | undefined): Promise<Webhook[]> {
    requireAdmin(actor);
    const tenant = await this.tenants.get(actor, tenantPath || actor.tenantPath, 'tenantPath');
    return this.store.listByTenant(tenant.id);
  }

  async get(actor: Actor, id: string): Promise<Webhook> {
    requireAdmin(actor);
    const notFound = () => errors.notFound(`webhook ${JSON.stringify(id)}`);
    ensure(isUuid(id), notFound);
    const webhook = await this.store.findById(id);
    const tenant = webhook && (await this.tenants.findById(webhook.tenantId));
    ensure(webhook && tenant && withinActorSubtree(actor, tenant.path), notFound);
    return webhook;
  }

  async update(actor: Actor, id: string, input: WebhookInput): Promise<Webhook> {
    await this.get(actor, id);
    const changes: WebhookChanges = {
      ...(input.url != null ? { url: this.validUrl(input.url) } : {}),
      ...(input.eventTypes != null ? { eventTypes: validEventTypes(input.eventTypes) } : {}),
      ...(input.description != null ? { description: validDescription(input.description) } : {}),
      ...(input.enabled != null ? { enabled: input.enabled } : {}),
    };
    const updated = await this.store.update(id, changes, this.clock.now());
    ensure(updated, () => errors.notFound(`webhook ${JSON.stringify(id)}`));
    // Re-enabled: what waited is due.
    if (changes.enabled) this.dispatcher.wake();
    return updated;
  }

  /** Deletes a webhook and its deliveries (pending ones are not sent). */
  async delete(actor: Actor, id: string): Promise<Webhook> {
    const webhook = await this.get(actor, id);
    await this.store.delete(id);
    return webhook;
  }

  /** A new signing secret, in force for the next attempt of every delivery; the old one stops at once. */
  async rotateSecret(actor: Actor, id: string): Promise<WebhookWithSecret> {
    await this.get(actor, id);
    const secret = newWebhookSecret();
    const webhook = await this.store.update(id, { sealedSecret: this.secret.encrypt(secret, 'webhook-secret') }, this.clock.now());
    ensure(webhook, () => errors.notFound(`webhook ${JSON.stringify(id)}`));
    return { webhook, secret };
  }

  async deliveries(
    actor: Actor,
    webhookId: string,
    status: WebhookDeliveryStatus | null | undefined,
    page: PageRequest,
  ): Promise<Page<WebhookDelivery>> {
    await this.get(actor, webhookId);
    return this.store.pageDeliveries(webhookId, status ?? null, page);
  }

  /**
   * Sends a delivery again (same `webhook-id`, a new signature and a new one-day retry window), after
   * any earlier pending delivery of its subject; one being sent right now is left to that attempt.
   */
  async redeliver(actor: Actor, deliveryId: string): Promise<WebhookDelivery> {
    requireAdmin(actor);
    const notFound = () => errors.notFound(`webhook delivery ${JSON.stringify(deliveryId)}`);
    ensure(isUuid(deliveryId), notFound);
    const found = await this.store.findDelivery(deliveryId);
    ensure(found, notFound);
    await this.get(actor, found.webhookId).catch(() => {
      throw notFound();
    });
    const now = this.clock.now();
    const requeued = await this.store.requeue(deliveryId, now, new Date(now.getTime() + WEBHOOK_RETRY_WINDOW_MS));
    this.dispatcher.wake();
    return requeued ?? found;
  }

  /** Deletes delivered and failed deliveries older than the retention (the audit trail's). */
  prune(retentionDays: number): Promise<number> {
    return this.store.pruneBefore(new Date(this.clock.now().getTime() - retentionDays * 86_400_000));
  }

  private validUrl(raw: string | null | undefined): string {
    const url = (raw ?? '').trim();
    ensure(url.length > 0 && url.length <= 2000, () => errors.validation('url', 'is required (at most 2000 characters)'));
    const refusal = outboundUrlRefusal(url, this.policy);
    ensure(refusal === null, () => errors.validation('url', refusal!));
    return url;
  }
}

function validEventTypes(raw: readonly string[] | null | undefined): string[] {
  const types = [...new Set(raw ?? [])];
  ensure(types.length > 0, () => errors.validation('eventTypes', `name at least one of ${WEBHOOK_EVENT_TYPES.join(', ')}`));
  const unknown = types.find((type) => !isWebhookEventType(type));
  ensure(unknown === undefined, () =>
    errors.validation('eventTypes', `unknown event type ${JSON.stringify(unknown)}; known: ${WEBHOOK_EVENT_TYPES.join(', ')}`),
  );
  return types;
}

function validDescription(raw: string | null | undefined): string {
  const description = (raw ?? '').trim();
  ensure(description.length <= 200 && !hasControlCharacter(description), () =>
    errors.validation('description', 'must be at most 200 characters without control characters'),
  );
  return description;
}
