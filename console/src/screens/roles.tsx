import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { ApiFieldsFragment, RoleFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { ancestorsWithin } from '../filter-rows';
import { DataTable, Field, FormFooter, GeneralErrors, Notice, Section } from '../ui';
import { useEditor } from '../use-editor';

const FIELDS = ['name', 'description', 'permissions'];

interface Draft {
  name: string;
  description: string;
  /** Granted permissions as `<API identifier> <permission>`. */
  permissions: readonly string[];
}

const EMPTY: Draft = { name: '', description: '', permissions: [] };
const keyOf = (api: string, permission: string): string => `${api} ${permission}`;
const draftOf = (role: RoleFieldsFragment): Draft => ({
  name: role.name,
  description: role.description,
  permissions: role.permissions.map((p) => keyOf(p.api, p.permission)),
});
const permissionsOf = (draft: Draft) =>
  draft.permissions.map((key) => {
    const space = key.lastIndexOf(' ');
    return { api: key.slice(0, space), permission: key.slice(space + 1) };
  });

/**
 * The tenant's roles: named sets of API permissions, held by users and clients (assigned on
 * their screens). A role may grant permissions of the tenant's APIs and of its ancestors' APIs
 * that accept child tenants (those the admin can see).
 */
export function RolesScreen(): JSX.Element {
  const { sdk, tenantPath, homeTenant } = useConsole();
  const [roles, setRoles] = useState<RoleFieldsFragment[] | null>(null);
  const [apis, setApis] = useState<ApiFieldsFragment[]>([]);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState('');
  const reload = () => setVersion((v) => v + 1);
  const { editing, draft, form, rowAction, set, edit, cancel, submit, act } = useEditor<RoleFieldsFragment, Draft>(EMPTY, FIELDS, reload);
  useEffect(() => {
    void rowAction.run(async () => {
      const [own, ...inherited] = await Promise.all(
        [tenantPath, ...ancestorsWithin(tenantPath, homeTenant)].map(async (path) => (await sdk.apis({ tenantPath: path })).apis),
      );
      setApis([...own!, ...inherited.flat().filter((api) => api.acceptsChildTenants)]);
      setRoles((await sdk.roles({ tenantPath })).roles);
    });
  }, [tenantPath, version]);

  const save = submit(async () => {
    const input = { name: draft.name, description: draft.description, permissions: permissionsOf(draft) };
    if (editing) {
      await sdk.updateRole({ id: editing.id, input });
      setNotice(`Saved role ${draft.name}`);
    } else {
      await sdk.createRole({ input: { tenantPath, ...input } });
      setNotice(`Created role ${draft.name}`);
    }
  });
  const toggle = (key: string, on: boolean) =>
    set('permissions')(on ? [...draft.permissions.filter((k) => k !== key), key] : draft.permissions.filter((k) => k !== key));
  const offered = new Set(apis.flatMap((api) => api.permissions.map((p) => keyOf(api.identifier, p.name))));
  const elsewhere = draft.permissions.filter((key) => !offered.has(key));
  const permissionsError = form.errors.byField.permissions;

  return (
    <>
      <Section title={`Roles of ${tenantPath}`}>
        <p class="muted">Users and clients get roles on their own screens. The built-in role admin is a user’s admin flag.</p>
        <Notice text={notice} />
        <GeneralErrors errors={rowAction.errors} />
        <DataTable caption={roles ? `${roles.length} roles` : 'Loading…'} columns={['Name', 'Description', 'Permissions', 'Actions']}>
          {(roles ?? []).map((role) => (
            <tr key={role.id} data-role={role.name}>
              <td>
                {role.name}
                {role.builtIn ? ' (built-in)' : ''}
              </td>
              <td>{role.description}</td>
              <td>
                <ul class="plain">
                  {role.permissions.map((p) => (
                    <li key={keyOf(p.api, p.permission)}>
                      <code>{p.permission}</code> <span class="muted">{p.api}</span>
                    </li>
                  ))}
                </ul>
              </td>
              <td class="actions">
                {!role.builtIn && (
                  <>
                    <button type="button" aria-label={`Edit role ${role.name}`} onClick={() => edit(role, draftOf(role))}>
                      Edit
                    </button>
                    <button
                      type="button"
                      aria-label={`Delete role ${role.name}`}
                      onClick={() =>
                        confirm(`Delete role ${role.name}? Every user and client holding it loses it.`) &&
                        act(() => sdk.deleteRole({ id: role.id }))
                      }
                    >
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>
      <Section title={editing ? `Edit role ${editing.name}` : 'Create a role'}>
        <form onSubmit={save}>
          <Field label="Name" name="name" value={draft.name} onInput={set('name')} errors={form.errors} required />
          <Field label="Description" name="description" value={draft.description} onInput={set('description')} errors={form.errors} />
          <fieldset class={permissionsError ? 'permissions invalid' : 'permissions'}>
            <legend>Permissions</legend>
            {apis.length === 0 && <p class="muted">No API declares permissions yet: create one on the APIs screen.</p>}
            {apis.map((api) => (
              <div key={api.id} class="permission-group" role="group" aria-label={`Permissions of ${api.identifier}`}>
                <p>
                  <strong>{api.name}</strong> <code>{api.identifier}</code>
                  {api.tenantPath !== tenantPath && <span class="muted"> (of {api.tenantPath})</span>}
                </p>
                {api.permissions.map((p) => {
                  const key = keyOf(api.identifier, p.name);
                  return (
                    <label key={key} class="permission">
                      <input
                        type="checkbox"
                        checked={draft.permissions.includes(key)}
                        onChange={(e) => toggle(key, e.currentTarget.checked)}
                      />{' '}
                      <code>{p.name}</code>
                      {p.description && <span class="muted"> {p.description}</span>}
                    </label>
                  );
                })}
              </div>
            ))}
            {elsewhere.length > 0 && <p class="muted">Also granted (APIs not shown here): {elsewhere.join(', ')}</p>}
            {permissionsError && (
              <p class="field-error" role="alert">
                {permissionsError}
              </p>
            )}
          </fieldset>
          <FormFooter errors={form.errors} busy={form.busy} editing={editing !== null} noun="role" onCancel={cancel} />
        </form>
      </Section>
    </>
  );
}
