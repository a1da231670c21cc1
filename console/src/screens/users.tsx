import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { UserFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { RoleAssignments } from '../role-assignments';
import { InviteUser } from '../invite-user';
import { routeHref } from '../route';
import { SecondFactors } from '../second-factors';
import { UserSessions } from '../user-sessions';
import { Checkbox, DataTable, Field, FormFooter, GeneralErrors, ListTools, Section, ToggleAndDelete } from '../ui';
import { useEditor } from '../use-editor';
import { usePage } from '../use-page';
import { useSearch } from '../use-search';

const FIELDS = ['username', 'password', 'email', 'phone', 'firstname', 'lastname', 'admin', 'enabled'];

interface Draft {
  username: string;
  password: string;
  email: string;
  firstname: string;
  lastname: string;
  admin: boolean;
  enabled: boolean;
}

const EMPTY: Draft = { username: '', password: '', email: '', firstname: '', lastname: '', admin: false, enabled: true };
const draftOf = (user: UserFieldsFragment): Draft => ({
  username: user.username,
  password: '',
  email: user.email ?? '',
  firstname: user.firstname ?? '',
  lastname: user.lastname ?? '',
  admin: user.admin,
  enabled: user.enabled,
});

export function UsersScreen(): JSX.Element {
  const { sdk, tenantPath } = useConsole();
  const search = useSearch();
  const list = usePage(
    async (after) => (await sdk.users({ tenantPath, search: search.term, first: 20, after })).users,
    [tenantPath, search.term],
  );
  const [notice, setNotice] = useState('');
  const [rolesOf, setRolesOf] = useState<UserFieldsFragment | null>(null);
  const [factorsOf, setFactorsOf] = useState<UserFieldsFragment | null>(null);
  const [sessionsOf, setSessionsOf] = useState<UserFieldsFragment | null>(null);
  const [inviting, setInviting] = useState(false);
  const { editing, draft, form, rowAction, set, edit, cancel, submit, act } = useEditor<UserFieldsFragment, Draft>(
    EMPTY,
    FIELDS,
    list.reload,
  );

  const save = submit(async () => {
    const profile = { email: draft.email, firstname: draft.firstname, lastname: draft.lastname, admin: draft.admin };
    if (editing) {
      await sdk.updateUser({ id: editing.id, input: { ...profile, username: draft.username, enabled: draft.enabled } });
      if (draft.password) await sdk.setUserPassword({ id: editing.id, password: draft.password });
      setNotice(`Saved ${draft.username}`);
    } else {
      await sdk.createUser({ input: { tenantPath, username: draft.username, password: draft.password, ...profile } });
      setNotice(`Created ${draft.username}`);
    }
  });
  const rows = list.page?.nodes ?? [];

  return (
    <>
      <Section title={`Users of ${tenantPath}`}>
        <ListTools label="Search users" hint="username, email, first or last name" search={search} list={list} />
        <button type="button" aria-expanded={inviting} onClick={() => setInviting(true)}>
          Invite user
        </button>
        {notice && (
          <p role="status" class="notice">
            {notice}
          </p>
        )}
        <GeneralErrors errors={rowAction.errors} />
        <DataTable
          caption={list.page ? `${list.page.totalCount} users` : 'Loading…'}
          columns={['Username', 'Email', 'Admin', 'State', 'Actions']}
        >
          {rows.map((user) => (
            <tr key={user.id}>
              <td>{user.username}</td>
              <td>{user.email}</td>
              <td>{user.admin ? 'admin' : ''}</td>
              <td>{user.enabled ? 'enabled' : 'disabled'}</td>
              <td class="actions">
                <button type="button" onClick={() => edit(user, draftOf(user))}>
                  Edit
                </button>
                <button type="button" aria-label={`Roles of ${user.username}`} onClick={() => setRolesOf(user)}>
                  Roles
                </button>
                <button type="button" aria-label={`Second factors of ${user.username}`} onClick={() => setFactorsOf(user)}>
                  Second factors
                </button>
                <button type="button" aria-label={`Sessions of ${user.username}`} onClick={() => setSessionsOf(user)}>
                  Sessions
                </button>
                <button type="button" onClick={() => act(() => sdk.updateUser({ id: user.id, input: { admin: !user.admin } }))}>
                  {user.admin ? 'Remove admin' : 'Grant admin'}
                </button>
                <a class="button" href={routeHref('devices', { user: user.id })} aria-label={`Devices of ${user.username}`}>
                  Devices
                </a>
                <a class="button" href={routeHref('revocation', { user: user.id })} aria-label={`Revoke tokens of ${user.username}`}>
                  Revoke tokens
                </a>
                <ToggleAndDelete
                  enabled={user.enabled}
                  what={`user ${user.username}`}
                  onToggle={() => act(() => sdk.updateUser({ id: user.id, input: { enabled: !user.enabled } }))}
                  onDelete={() => act(() => sdk.deleteUser({ id: user.id }))}
                />
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>
      {rolesOf && (
        <RoleAssignments
          key={rolesOf.id}
          subject={{ userId: rolesOf.id }}
          label={rolesOf.username}
          tenantPath={rolesOf.tenantPath}
          onChanged={list.reload}
          onClose={() => setRolesOf(null)}
        />
      )}
      {inviting && <InviteUser tenantPath={tenantPath} onInvited={list.reload} onClose={() => setInviting(false)} />}
      {factorsOf && <SecondFactors key={factorsOf.id} user={factorsOf} onClose={() => setFactorsOf(null)} />}
      {sessionsOf && <UserSessions key={sessionsOf.id} user={sessionsOf} onClose={() => setSessionsOf(null)} />}
      <Section title={editing ? `Edit user ${editing.username}` : 'Create a user'}>
        <form onSubmit={save}>
          <Field label="Username" name="username" value={draft.username} onInput={set('username')} errors={form.errors} required />
          <Field
            label={editing ? 'New password (leave empty to keep)' : 'Password'}
            name="password"
            type="password"
            value={draft.password}
            onInput={set('password')}
            errors={form.errors}
            hint="8-1024 characters"
            required={!editing}
          />
          <Field label="Email" name="email" type="email" value={draft.email} onInput={set('email')} errors={form.errors} />
          <Field label="First name" name="firstname" value={draft.firstname} onInput={set('firstname')} errors={form.errors} />
          <Field label="Last name" name="lastname" value={draft.lastname} onInput={set('lastname')} errors={form.errors} />
          <Checkbox
            label={`Admin of ${editing?.tenantPath ?? tenantPath} and its subtree`}
            name="admin"
            checked={draft.admin}
            onChange={set('admin')}
            errors={form.errors}
          />
          {editing && <Checkbox label="Enabled" name="enabled" checked={draft.enabled} onChange={set('enabled')} errors={form.errors} />}
          <FormFooter errors={form.errors} busy={form.busy} editing={editing !== null} noun="user" onCancel={cancel} />
        </form>
      </Section>
    </>
  );
}
