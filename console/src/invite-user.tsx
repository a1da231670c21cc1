import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { useConsole } from './context';
import { routeHref } from './route';
import { Field, GeneralErrors, Notice, Section, useSubmit } from './ui';

const FIELDS = ['email', 'username', 'firstname', 'lastname', 'tenantPath'];
const EMPTY = { email: '', username: '', firstname: '', lastname: '' };

/**
 * Invites a user of `tenantPath` (inviteUser): the user is made without a usable password and mailed a
 * single-use link where they choose one. Needs SMTP_URL; the mail waits in the outbox (Mail screen).
 */
export function InviteUser(props: { tenantPath: string; onInvited: () => void; onClose: () => void }): JSX.Element {
  const { sdk } = useConsole();
  const [draft, setDraft] = useState(EMPTY);
  const [notice, setNotice] = useState('');
  const form = useSubmit(FIELDS);
  const set = (key: keyof typeof EMPTY) => (value: string) => setDraft((current) => ({ ...current, [key]: value }));
  const invite = (event: Event) => {
    event.preventDefault();
    setNotice('');
    void form.run(async () => {
      const { inviteUser } = await sdk.inviteUser({
        input: {
          tenantPath: props.tenantPath,
          email: draft.email,
          username: draft.username || null,
          firstname: draft.firstname || null,
          lastname: draft.lastname || null,
        },
      });
      setDraft(EMPTY);
      setNotice(`Invited ${inviteUser.username}: the invitation mail is on its way to ${inviteUser.email ?? draft.email}.`);
      props.onInvited();
    });
  };
  return (
    <Section title={`Invite a user to ${props.tenantPath}`}>
      <form onSubmit={invite}>
        <Field label="Invitee's email" name="email" type="email" value={draft.email} onInput={set('email')} errors={form.errors} required />
        <Field
          label="Invitee's username"
          name="username"
          value={draft.username}
          onInput={set('username')}
          errors={form.errors}
          hint="empty: the email address"
        />
        <Field label="Invitee's first name" name="firstname" value={draft.firstname} onInput={set('firstname')} errors={form.errors} />
        <Field label="Invitee's last name" name="lastname" value={draft.lastname} onInput={set('lastname')} errors={form.errors} />
        <GeneralErrors errors={form.errors} />
        <button type="submit" disabled={form.busy}>
          Send invitation
        </button>
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </form>
      <Notice text={notice} testId="invited" />
      {notice && (
        <p>
          <a href={routeHref('mail')}>See the mail outbox</a>
        </p>
      )}
    </Section>
  );
}
