import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { MailOutboxQuery, MailStatus } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { shownTime } from '../time-text';
import { DataTable, GeneralErrors, Section, useSubmit } from '../ui';

const STATUSES: readonly { value: MailStatus; label: string }[] = [
  { value: 'PENDING', label: 'Pending (retried with backoff)' },
  { value: 'FAILED', label: 'Failed (given up)' },
  { value: 'SENT', label: 'Sent' },
];

/**
 * The mail outbox of the tenant shown (read-only): mail the server owes (pending, retried while the
 * mail server is down), gave up on (failed) or sent, oldest first. Bodies are never shown: they hold
 * single-use links. Needs SMTP_URL; without it the API's error is shown.
 */
export function MailScreen(): JSX.Element {
  const { sdk, tenantPath } = useConsole();
  const [statuses, setStatuses] = useState<readonly MailStatus[]>(['PENDING', 'FAILED']);
  const [mails, setMails] = useState<MailOutboxQuery['mailOutbox'] | null>(null);
  const [version, setVersion] = useState(0);
  const load = useSubmit([]);
  useEffect(() => {
    let live = true;
    setMails(null);
    void load.run(async () => {
      // No status checked lists nothing (the API would take an empty list as its default, pending and failed).
      const rows = statuses.length ? (await sdk.mailOutbox({ tenantPath, statuses: [...statuses] })).mailOutbox : [];
      // An answer to an older choice of statuses is dropped.
      if (live) setMails(rows);
    });
    return () => {
      live = false;
    };
  }, [tenantPath, statuses, version]);
  const toggle = (status: MailStatus, on: boolean) =>
    setStatuses((current) => STATUSES.map((s) => s.value).filter((s) => (s === status ? on : current.includes(s))));
  return (
    <Section title={`Mail of ${tenantPath}`}>
      <p class="muted">
        Mail the server owes or sent (invitations, password resets, address verification); bodies are never shown. Pending mail is retried
        while the mail server is down.
      </p>
      <fieldset class="permissions">
        <legend>Show</legend>
        {STATUSES.map((status) => (
          <label key={status.value} class="permission">
            <input
              type="checkbox"
              name="status"
              value={status.value}
              checked={statuses.includes(status.value)}
              onChange={(event) => toggle(status.value, event.currentTarget.checked)}
            />{' '}
            {status.label}
          </label>
        ))}
      </fieldset>
      <button type="button" onClick={() => setVersion((v) => v + 1)} disabled={load.busy}>
        Refresh
      </button>
      <GeneralErrors errors={load.errors} />
      <DataTable
        caption={
          mails ? `${mails.length} mails${mails.length === 500 ? ' (the oldest 500)' : ''}` : load.errors.general.length ? '' : 'Loading…'
        }
        columns={['Status', 'Recipient', 'Kind', 'Subject', 'Attempts', 'Next attempt', 'Last error', 'Created', 'Sent']}
      >
        {(mails ?? []).map((mail) => (
          <tr key={mail.id} data-status={mail.status}>
            <td>{mail.status.toLowerCase()}</td>
            <td>{mail.recipient}</td>
            <td>
              <code>{mail.kind}</code>
            </td>
            <td>{mail.subject}</td>
            <td>{mail.attempts}</td>
            <td>{mail.status === 'PENDING' ? shownTime(mail.nextAttemptAt) : ''}</td>
            <td>{mail.lastError ?? ''}</td>
            <td>{shownTime(mail.createdAt)}</td>
            <td>{shownTime(mail.sentAt)}</td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}
