import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { ApiFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { Checkbox, DataTable, Field, FormFooter, GeneralErrors, Notice, Section } from '../ui';
import { useEditor } from '../use-editor';

const FIELDS = ['identifier', 'name', 'permissions', 'accessTokenLifetime', 'acceptsChildTenants', 'isDefault'];

interface Draft {
  identifier: string;
  name: string;
  /** One permission a line: its name, then (after a space) its description. */
  permissions: string;
  accessTokenLifetime: string;
  acceptsChildTenants: boolean;
  isDefault: boolean;
}

const EMPTY: Draft = { identifier: '', name: '', permissions: '', accessTokenLifetime: '', acceptsChildTenants: false, isDefault: false };

const draftOf = (api: ApiFieldsFragment): Draft => ({
  identifier: api.identifier,
  name: api.name,
  permissions: api.permissions.map((p) => (p.description ? `${p.name} ${p.description}` : p.name)).join('\n'),
  accessTokenLifetime: String(api.accessTokenLifetime),
  acceptsChildTenants: api.acceptsChildTenants,
  isDefault: api.isDefault,
});

/** `orders:read Read orders` → `{ name: 'orders:read', description: 'Read orders' }`; empty lines are left out. */
const permissionsOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const space = line.search(/\s/);
      return space === -1 ? { name: line, description: '' } : { name: line.slice(0, space), description: line.slice(space).trim() };
    });

const settingsOf = (draft: Draft) => ({
  identifier: draft.identifier.trim(),
  name: draft.name,
  permissions: permissionsOf(draft.permissions),
  accessTokenLifetime: draft.accessTokenLifetime.trim() === '' ? null : Number(draft.accessTokenLifetime),
  acceptsChildTenants: draft.acceptsChildTenants,
  isDefault: draft.isDefault,
});

/** The tenant's APIs (resource servers, RFC 8707) and the permissions each declares. */
export function ApisScreen(): JSX.Element {
  const { sdk, tenantPath } = useConsole();
  const [apis, setApis] = useState<ApiFieldsFragment[] | null>(null);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState('');
  const reload = () => setVersion((v) => v + 1);
  const { editing, draft, form, rowAction, set, edit, cancel, submit, act } = useEditor<ApiFieldsFragment, Draft>(EMPTY, FIELDS, reload);
  useEffect(() => {
    void rowAction.run(async () => setApis((await sdk.apis({ tenantPath })).apis));
  }, [tenantPath, version]);

  const save = submit(async () => {
    if (editing) {
      await sdk.updateApi({ id: editing.id, input: settingsOf(draft) });
      setNotice(`Saved API ${draft.identifier}`);
    } else {
      await sdk.createApi({ input: { tenantPath, ...settingsOf(draft) } });
      setNotice(`Created API ${draft.identifier}`);
    }
  });

  return (
    <>
      <Section title={`APIs of ${tenantPath}`}>
        <p class="muted">
          A token request names an API with <code>resource</code>; its access token then has the API’s identifier as audience and the
          permissions the subject’s roles grant as scope.
        </p>
        <Notice text={notice} />
        <GeneralErrors errors={rowAction.errors} />
        <DataTable
          caption={apis ? `${apis.length} APIs` : 'Loading…'}
          columns={['Identifier', 'Name', 'Permissions', 'Token lifetime', 'Options', 'Actions']}
        >
          {(apis ?? []).map((api) => (
            <tr key={api.id} data-api={api.identifier}>
              <td>
                <code>{api.identifier}</code>
              </td>
              <td>{api.name}</td>
              <td>
                <ul class="plain">
                  {api.permissions.map((p) => (
                    <li key={p.name}>
                      <code>{p.name}</code>
                      {p.description && <span class="muted"> {p.description}</span>}
                    </li>
                  ))}
                </ul>
              </td>
              <td>{api.accessTokenLifetime} s</td>
              <td>{[api.isDefault && 'default', api.acceptsChildTenants && 'child tenants'].filter(Boolean).join(', ')}</td>
              <td class="actions">
                <button type="button" onClick={() => edit(api, draftOf(api))} aria-label={`Edit API ${api.identifier}`}>
                  Edit
                </button>
                <button
                  type="button"
                  aria-label={`Delete API ${api.identifier}`}
                  onClick={() =>
                    confirm(`Delete API ${api.identifier}? Its permissions leave every role.`) && act(() => sdk.deleteApi({ id: api.id }))
                  }
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>
      <Section title={editing ? `Edit API ${editing.identifier}` : 'Create an API'}>
        <form onSubmit={save}>
          <Field
            label="Identifier"
            name="identifier"
            value={draft.identifier}
            onInput={set('identifier')}
            errors={form.errors}
            hint="an absolute URI, e.g. https://api.example.com (the resource and the audience of its tokens)"
            required
          />
          <Field label="Name" name="name" value={draft.name} onInput={set('name')} errors={form.errors} required />
          <Field
            label="Permissions"
            name="permissions"
            multiline
            value={draft.permissions}
            onInput={set('permissions')}
            errors={form.errors}
            hint="one per line: the scope name, then optionally a description (orders:read Read orders)"
          />
          <Field
            label="Access token lifetime (s)"
            name="accessTokenLifetime"
            type="number"
            value={draft.accessTokenLifetime}
            onInput={set('accessTokenLifetime')}
            errors={form.errors}
            hint="upper bound for tokens of this API (default 3600)"
          />
          <Checkbox
            label="Child tenants may use it"
            name="acceptsChildTenants"
            checked={draft.acceptsChildTenants}
            onChange={set('acceptsChildTenants')}
            errors={form.errors}
          />
          <Checkbox
            label="Default API (the target of token requests without resource)"
            name="isDefault"
            checked={draft.isDefault}
            onChange={set('isDefault')}
            errors={form.errors}
          />
          <FormFooter errors={form.errors} busy={form.busy} editing={editing !== null} noun="API" onCancel={cancel} />
        </form>
      </Section>
    </>
  );
}
