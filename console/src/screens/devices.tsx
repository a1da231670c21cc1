import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { UserFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { showErrors } from '../graphql-errors';
import { routeHref } from '../route';
import { shownTime } from '../time-text';
import { DataTable, Field, GeneralErrors, Notice, Section } from '../ui';
import { usePage, type Connection } from '../use-page';
import { useRevocation } from '../use-revocation';

const NO_DEVICES: Connection<never> = { nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
const FIELDS = ['userId'];

/** A user's devices (seed 002 token sets): name, created, last used; revoke one and see how many tokens it made inactive. */
export function DevicesScreen(): JSX.Element {
  const { sdk, params } = useConsole();
  const userId = params.user ?? '';
  const [draftId, setDraftId] = useState(userId);
  const [user, setUser] = useState<UserFieldsFragment | null>(null);
  const list = usePage(async (after) => (userId ? (await sdk.devices({ userId, first: 20, after })).devices : NO_DEVICES), [userId]);
  const revocation = useRevocation([]);
  useEffect(() => {
    let live = true;
    if (userId)
      sdk.user({ id: userId }).then(
        ({ user }) => live && setUser(user),
        () => live && setUser(null),
      );
    return () => {
      live = false;
    };
  }, [userId]);
  // A user outside the admin's subtree (or no such user) is reported on the user input; no rows are shown.
  const listErrors = showErrors(list.error ?? [], FIELDS, { subject: 'userId' });
  const rows = list.error ? [] : (list.page?.nodes ?? []);

  return (
    <>
      <Section title={user ? `Devices of ${user.username} (${user.tenantPath})` : 'Devices of a user'}>
        <form
          class="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            location.hash = routeHref('devices', { user: draftId.trim() });
          }}
        >
          <Field
            label="User id"
            name="userId"
            value={draftId}
            onInput={setDraftId}
            errors={listErrors}
            hint="the Devices link of a row on the Users screen fills this in"
            required
          />
          <button type="submit">Show devices</button>
        </form>
        <GeneralErrors errors={listErrors} />
        <Notice text={revocation.result} testId="revocation-result" />
        <GeneralErrors errors={revocation.errors} />
        {userId && (
          <DataTable
            caption={list.page && !list.error ? `${list.page.totalCount} devices` : list.error ? 'No devices shown' : 'Loading…'}
            columns={['Name', 'Created', 'Last used', 'State', 'Actions']}
          >
            {rows.map((device) => (
              <tr key={device.id} data-device-id={device.id}>
                <td>{device.name}</td>
                <td>{shownTime(device.createdAt)}</td>
                <td>{shownTime(device.lastUsedAt, 'never')}</td>
                <td>{device.revokedAt ? `revoked ${shownTime(device.revokedAt)}` : 'active'}</td>
                <td class="actions">
                  {!device.revokedAt && (
                    <button
                      type="button"
                      aria-label={`Revoke device ${device.name}`}
                      disabled={revocation.busy}
                      onClick={() =>
                        revocation.revoke(
                          { kind: 'device', name: device.name },
                          async () => (await sdk.revokeDevice({ id: device.id })).revokeDevice,
                          list.reload,
                        )
                      }
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {(list.page?.pageInfo.hasNextPage || list.paged) && !list.error && (
          <p class="list-tools">
            <button type="button" onClick={list.first} disabled={!list.paged}>
              First page
            </button>
            <button type="button" onClick={list.next} disabled={!list.page?.pageInfo.hasNextPage}>
              Next page
            </button>
          </p>
        )}
      </Section>
    </>
  );
}
