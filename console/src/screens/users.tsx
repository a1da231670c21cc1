import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { UserFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { filterRows } from '../filter-rows';
import { Checkbox, Field, GeneralErrors, ListTools, Section, useSubmit } from '../ui';
import { usePage } from '../use-page';

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
  const list = usePage(async (after) => (await sdk.users({ tenantPath, first: 20, after })).users, [tenantPath]);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<UserFieldsFragment | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [notice, setNotice] = useState('');
  const form = useSubmit(FIELDS);
  const rowAction = useSubmit([]);
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft({ ...draft, [key]: value });

  const save = (event: Event) => {
    event.preventDefault();
    void form.run(async () => {
      const profile = { email: draft.email, firstname: draft.firstname, lastname: draft.lastname, admin: draft.admin };
      if (editing) {
        await sdk.updateUser({ id: editing.id, input: { ...profile, username: draft.username, enabled: draft.enabled } });
        if (draft.password) await sdk.setUserPassword({ id: editing.id, password: draft.password });
        setNotice(`Saved ${draft.username}`);
      } else {
        await sdk.createUser({ input: { tenantPath, username: draft.username, password: draft.password, ...profile } });
        setNotice(`Created ${draft.username}`);
      }
      setEditing(null);
      setDraft(EMPTY);
      list.reload();
    });
  };
  const act = (action: () => Promise<unknown>) => void rowAction.run(async () => (await action(), list.reload()));
  const rows = filterRows(list.page?.nodes ?? [], search, (u) => [u.username, u.email, u.firstname, u.lastname]);

  return (
    <>
      <Section title={`Users of ${tenantPath}`}>
        <ListTools label="users" search={search} onSearch={setSearch} hasNext={!!list.page?.pageInfo.hasNextPage} onNext={list.next} onFirst={list.first} paged={list.paged} />
        {notice && (
          <p role="status" class="notice">
            {notice}
          </p>
        )}
        <GeneralErrors errors={rowAction.errors} />
        <table>
          <caption>{list.page ? `${list.page.totalCount} users` : 'Loading…'}</caption>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Email</th>
              <th scope="col">Admin</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((user) => (
              <tr key={user.id}>
                <td>{user.username}</td>
                <td>{user.email}</td>
                <td>{user.admin ? 'admin' : ''}</td>
                <td>{user.enabled ? 'enabled' : 'disabled'}</td>
                <td class="actions">
                  <button type="button" onClick={() => (setEditing(user), setDraft(draftOf(user)), form.reset())}>
                    Edit
                  </button>
                  <button type="button" onClick={() => act(() => sdk.updateUser({ id: user.id, input: { admin: !user.admin } }))}>
                    {user.admin ? 'Remove admin' : 'Grant admin'}
                  </button>
                  <button type="button" onClick={() => act(() => sdk.updateUser({ id: user.id, input: { enabled: !user.enabled } }))}>
                    {user.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <button type="button" onClick={() => confirm(`Delete user ${user.username}?`) && act(() => sdk.deleteUser({ id: user.id }))}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
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
          <Checkbox label={`Admin of ${editing?.tenantPath ?? tenantPath} and its subtree`} name="admin" checked={draft.admin} onChange={set('admin')} errors={form.errors} />
          {editing && <Checkbox label="Enabled" name="enabled" checked={draft.enabled} onChange={set('enabled')} errors={form.errors} />}
          <GeneralErrors errors={form.errors} />
          <button type="submit" disabled={form.busy}>
            {editing ? 'Save user' : 'Create user'}
          </button>
          {editing && (
            <button type="button" onClick={() => (setEditing(null), setDraft(EMPTY), form.reset())}>
              Cancel
            </button>
          )}
        </form>
      </Section>
    </>
  );
}
