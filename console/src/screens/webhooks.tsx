import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { WebhookDeliveryStatus, WebhookFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { shownTime } from '../time-text';
import { usePage } from '../use-page';
import { Checkbox, DataTable, Field, GeneralErrors, Section, SelectField, ShownOnce, ToggleAndDelete, useSubmit } from '../ui';

const STATUSES: readonly { value: '' | WebhookDeliveryStatus; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'PENDING', label: 'Pending (retried with backoff)' },
  { value: 'FAILED', label: 'Failed (no 2xx within a day)' },
  { value: 'DELIVERED', label: 'Delivered' },
];

/**
 * The tenant's event webhooks: the list (enable/disable, delete, rotate the secret), a form to create one
 * (the signing secret shown once), and the deliveries of the chosen webhook with their attempts, last
 * result and a Redeliver button.
 */
export function WebhooksScreen(): JSX.Element {
  const { sdk, tenantPath } = useConsole();
  const [webhooks, setWebhooks] = useState<WebhookFieldsFragment[] | null>(null);
  const [eventTypes, setEventTypes] = useState<readonly string[]>([]);
  const [version, setVersion] = useState(0);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [chosen, setChosen] = useState<WebhookFieldsFragment | null>(null);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<readonly string[]>([]);
  const load = useSubmit([]);
  const row = useSubmit([]);
  const create = useSubmit(['url', 'eventTypes', 'description']);
  useEffect(() => {
    let live = true;
    void load.run(async () => {
      const answer = await sdk.webhooks({ tenantPath });
      if (live) {
        setWebhooks(answer.webhooks);
        setEventTypes(answer.webhookEventTypes);
      }
    });
    return () => {
      live = false;
    };
  }, [tenantPath, version]);
  const reload = () => setVersion((v) => v + 1);
  const act = (action: () => Promise<void>) => void row.run(action).then((done) => done && reload());

  const submit = (event: Event) => {
    event.preventDefault();
    void create
      .run(async () => {
        const { createWebhook } = await sdk.createWebhook({ tenantPath, url, eventTypes: [...types], description: description || null });
        setSecret({ url: createWebhook.webhook.url, secret: createWebhook.secret });
        setUrl('');
        setDescription('');
        setTypes([]);
      })
      .then((done) => done && reload());
  };

  return (
    <>
      <Section title={`Webhooks of ${tenantPath}`}>
        <p class="muted">
          Signed POSTs of this tenant’s events to a URL (Standard Webhooks headers; see the API documentation for the signature recipe).
        </p>
        {secret && <ShownOnce label={`Signing secret of ${secret.url}`} secret={secret.secret} />}
        <GeneralErrors errors={load.errors} />
        <GeneralErrors errors={row.errors} />
        <DataTable
          caption={webhooks ? `${webhooks.length} webhooks` : 'Loading…'}
          columns={['URL', 'Events', 'Description', 'State', 'Actions']}
        >
          {(webhooks ?? []).map((webhook) => (
            <tr key={webhook.id}>
              <td>
                <code>{webhook.url}</code>
              </td>
              <td>{webhook.eventTypes.join(', ')}</td>
              <td>{webhook.description}</td>
              <td>{webhook.enabled ? 'enabled' : 'disabled'}</td>
              <td class="actions">
                <button type="button" onClick={() => setChosen(webhook)}>
                  Deliveries
                </button>
                <button
                  type="button"
                  onClick={() =>
                    act(async () => {
                      const { rotateWebhookSecret } = await sdk.rotateWebhookSecret({ id: webhook.id });
                      setSecret({ url: webhook.url, secret: rotateWebhookSecret.secret });
                    })
                  }
                >
                  Rotate secret
                </button>
                <ToggleAndDelete
                  enabled={webhook.enabled}
                  what={`the webhook to ${webhook.url} and its deliveries`}
                  onToggle={() => act(async () => void (await sdk.updateWebhook({ id: webhook.id, enabled: !webhook.enabled })))}
                  onDelete={() =>
                    act(async () => {
                      await sdk.deleteWebhook({ id: webhook.id });
                      if (chosen?.id === webhook.id) setChosen(null);
                    })
                  }
                />
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>
      <Section title="New webhook">
        <form onSubmit={submit}>
          <Field
            label="URL"
            name="url"
            value={url}
            onInput={setUrl}
            errors={create.errors}
            required
            hint="https (http only on loopback while the server runs on loopback); no private addresses"
          />
          <Field label="Description" name="description" value={description} onInput={setDescription} errors={create.errors} />
          <fieldset class="permissions">
            <legend>Event types</legend>
            {eventTypes.map((type) => (
              <Checkbox
                key={type}
                label={type}
                name="eventTypes"
                checked={types.includes(type)}
                onChange={(on) => setTypes((current) => eventTypes.filter((t) => (t === type ? on : current.includes(t))))}
              />
            ))}
            {create.errors.byField.eventTypes && (
              <p class="field-error" role="alert">
                {create.errors.byField.eventTypes}
              </p>
            )}
          </fieldset>
          <GeneralErrors errors={create.errors} />
          <button type="submit" disabled={create.busy}>
            Create webhook
          </button>
        </form>
      </Section>
      {chosen && <Deliveries webhook={chosen} />}
    </>
  );
}

function Deliveries({ webhook }: { webhook: WebhookFieldsFragment }): JSX.Element {
  const { sdk } = useConsole();
  const [status, setStatus] = useState<'' | WebhookDeliveryStatus>('');
  const redeliver = useSubmit([]);
  const list = usePage(
    async (after) => (await sdk.webhookDeliveries({ webhookId: webhook.id, status: status || null, first: 20, after })).webhookDeliveries,
    [webhook.id, status],
  );
  return (
    <Section title={`Deliveries to ${webhook.url}`}>
      <SelectField
        label="Status"
        name="status"
        value={status}
        options={STATUSES}
        onChange={(value) => setStatus(value as '' | WebhookDeliveryStatus)}
        errors={redeliver.errors}
      />
      <button type="button" onClick={list.reload}>
        Refresh
      </button>
      <GeneralErrors errors={redeliver.errors} />
      {list.error && (
        <div class="errors" role="alert">
          {list.error.map((entry) => (
            <p key={entry.message}>{entry.message}</p>
          ))}
        </div>
      )}
      <DataTable
        caption={list.page ? `${list.page.totalCount} deliveries` : 'Loading…'}
        columns={['Status', 'Event', 'Subject', 'Attempts', 'Last answer', 'Last error', 'Next attempt', 'Created', 'Delivered', 'Actions']}
      >
        {(list.page?.nodes ?? []).map((delivery) => (
          <tr key={delivery.id} data-status={delivery.status}>
            <td>{delivery.status.toLowerCase()}</td>
            <td>
              <code>{delivery.eventType}</code>
            </td>
            <td>
              <code>{delivery.subject}</code>
            </td>
            <td>{delivery.attempts}</td>
            <td>{delivery.lastStatus ?? ''}</td>
            <td>{delivery.lastError ?? ''}</td>
            <td>{delivery.status === 'PENDING' ? shownTime(delivery.nextAttemptAt) : ''}</td>
            <td>{shownTime(delivery.createdAt)}</td>
            <td>{shownTime(delivery.deliveredAt)}</td>
            <td class="actions">
              <button
                type="button"
                onClick={() =>
                  void redeliver.run(async () => void (await sdk.redeliverWebhook({ deliveryId: delivery.id }))).then(list.reload)
                }
              >
                Redeliver
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      {list.hasNext && (
        <button type="button" onClick={list.next}>
          Next page
        </button>
      )}
    </Section>
  );
}
