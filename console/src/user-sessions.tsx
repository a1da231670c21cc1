import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { BrowserSessionFieldsFragment } from '../../src/sdk/generated';
import { useConsole } from './context';
import { amrText, confirmEndAll, confirmEndSession, sessionClientsText, sessionsEnded } from './session-text';
import { shownTime } from './time-text';
import { DataTable, GeneralErrors, Notice, Section, useSubmit } from './ui';

/**
 * A user's open browser sessions (sessions(userId)): when each began, how the user signed in, the clients it
 * signed into and when it expires. End ends one (endSession); End all sessions signs the user out everywhere
 * (endUserSessions) and shows how many the API ended. Both ask first.
 */
export function UserSessions(props: { user: { id: string; username: string }; onClose: () => void }): JSX.Element {
  const { sdk } = useConsole();
  const [sessions, setSessions] = useState<BrowserSessionFieldsFragment[] | null>(null);
  const [notice, setNotice] = useState('');
  const action = useSubmit([]);
  const load = async () => setSessions((await sdk.sessions({ userId: props.user.id })).sessions);
  useEffect(() => {
    void action.run(load);
  }, [props.user.id]);
  const run = (work: () => Promise<number>) => {
    setNotice('');
    void action.run(async () => {
      const ended = await work();
      setNotice(sessionsEnded(props.user.username, ended));
      await load();
    });
  };
  const endOne = (session: BrowserSessionFieldsFragment) => {
    if (!confirm(confirmEndSession(props.user.username, shownTime(session.authTime)))) return;
    run(async () => ((await sdk.endSession({ id: session.id })).endSession ? 1 : 0));
  };
  const endAll = () => {
    if (!confirm(confirmEndAll(props.user.username, sessions?.length ?? 0))) return;
    run(async () => (await sdk.endUserSessions({ userId: props.user.id })).endUserSessions);
  };
  const rows = sessions ?? [];
  return (
    <Section title={`Sessions of ${props.user.username}`}>
      <GeneralErrors errors={action.errors} />
      <Notice text={notice} testId="sessions-ended" />
      <DataTable
        caption={sessions ? `${rows.length} open sessions` : 'Loading…'}
        columns={['Started', 'Signed in with', 'Clients', 'Expires', 'Actions']}
      >
        {rows.map((session) => (
          <tr key={session.id} data-sid={session.id}>
            <td>{shownTime(session.authTime)}</td>
            <td>{amrText(session.amr)}</td>
            <td>{sessionClientsText(session.clients)}</td>
            <td>{shownTime(session.expiresAt)}</td>
            <td class="actions">
              <button
                type="button"
                aria-label={`End session started ${shownTime(session.authTime)}`}
                onClick={() => endOne(session)}
                disabled={action.busy}
              >
                End
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      <button type="button" onClick={endAll} disabled={action.busy || rows.length === 0}>
        End all sessions
      </button>{' '}
      <button type="button" onClick={props.onClose}>
        Close
      </button>
    </Section>
  );
}
