import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { ClientFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { splitList } from '../filter-rows';
import { RoleAssignments } from '../role-assignments';
import { routeHref } from '../route';
import { Checkbox, DataTable, Field, FormFooter, GeneralErrors, ListTools, Section, ShownOnce, ToggleAndDelete } from '../ui';
import { useEditor } from '../use-editor';
import { usePage } from '../use-page';
import { useSearch } from '../use-search';

const FIELDS = [
  'name',
  'clientId',
  'redirectUris',
  'grantTypes',
  'allowedScopes',
  'accessTokenLifetime',
  'refreshTokenLifetime',
  'isPublic',
  'firstParty',
  'tokenExchange',
];

interface Draft {
  name: string;
  clientId: string;
  isPublic: boolean;
  firstParty: boolean;
  redirectUris: string;
  grantTypes: string;
  allowedScopes: string;
  accessTokenLifetime: string;
  refreshTokenLifetime: string;
  exchangeImpersonation: boolean;
  exchangeDelegation: boolean;
  exchangeSubtree: boolean;
}

const EMPTY: Draft = {
  name: '',
  clientId: '',
  isPublic: false,
  firstParty: false,
  redirectUris: '',
  grantTypes: 'client_credentials',
  allowedScopes: '',
  accessTokenLifetime: '',
  refreshTokenLifetime: '',
  exchangeImpersonation: false,
  exchangeDelegation: false,
  exchangeSubtree: false,
};

const draftOf = (client: ClientFieldsFragment): Draft => ({
  name: client.name,
  clientId: client.clientId,
  isPublic: client.isPublic,
  firstParty: client.firstParty,
  redirectUris: client.redirectUris.join('\n'),
  grantTypes: client.grantTypes.join('\n'),
  allowedScopes: client.allowedScopes.join(' '),
  accessTokenLifetime: String(client.accessTokenLifetime),
  refreshTokenLifetime: String(client.refreshTokenLifetime),
  exchangeImpersonation: client.tokenExchange.impersonation,
  exchangeDelegation: client.tokenExchange.delegation,
  exchangeSubtree: client.tokenExchange.subtree,
});

const int = (value: string): number | null => (value.trim() === '' ? null : Number(value));
const settingsOf = (draft: Draft) => ({
  name: draft.name,
  redirectUris: splitList(draft.redirectUris),
  grantTypes: splitList(draft.grantTypes),
  allowedScopes: draft.allowedScopes.split(/[\s,]+/).filter(Boolean),
  accessTokenLifetime: int(draft.accessTokenLifetime),
  refreshTokenLifetime: int(draft.refreshTokenLifetime),
  firstParty: draft.firstParty,
  tokenExchange: { impersonation: draft.exchangeImpersonation, delegation: draft.exchangeDelegation, subtree: draft.exchangeSubtree },
});

export function ClientsScreen(): JSX.Element {
  const { sdk, tenantPath } = useConsole();
  const search = useSearch();
  const list = usePage(
    async (after) => (await sdk.clients({ tenantPath, search: search.term, first: 20, after })).clients,
    [tenantPath, search.term],
  );
  const [secret, setSecret] = useState<{ clientId: string; secret: string } | null>(null);
  const [rolesOf, setRolesOf] = useState<ClientFieldsFragment | null>(null);
  const { editing, draft, form, rowAction, set, edit, cancel, submit, act } = useEditor<string, Draft>(EMPTY, FIELDS, list.reload);

  const save = submit(async () => {
    if (editing) {
      await sdk.updateClient({ clientId: editing, input: settingsOf(draft) });
      setSecret(null);
    } else {
      const { createClient } = await sdk.createClient({
        input: { tenantPath, clientId: draft.clientId || null, isPublic: draft.isPublic, ...settingsOf(draft) },
      });
      setSecret(createClient.clientSecret ? { clientId: createClient.client.clientId, secret: createClient.clientSecret } : null);
    }
  });
  const rows = list.page?.nodes ?? [];

  return (
    <>
      <Section title={`Clients of ${tenantPath}`}>
        <ListTools label="Search clients" hint="client id or name" search={search} list={list} />
        {secret && <ShownOnce label={`Secret of ${secret.clientId}`} secret={secret.secret} />}
        <GeneralErrors errors={rowAction.errors} />
        <DataTable
          caption={list.page ? `${list.page.totalCount} clients` : 'Loading…'}
          columns={['Client id', 'Name', 'Grants', 'Scopes', 'State', 'Actions']}
        >
          {rows.map((client) => (
            <tr key={client.id}>
              <td>
                <code>{client.clientId}</code>
                {client.isPublic ? ' (public)' : ''}
              </td>
              <td>{client.name}</td>
              <td>{client.grantTypes.join(', ')}</td>
              <td>{client.allowedScopes.join(' ')}</td>
              <td>{client.enabled ? 'enabled' : 'disabled'}</td>
              <td class="actions">
                <button type="button" onClick={() => edit(client.clientId, draftOf(client))}>
                  Edit
                </button>
                <button type="button" aria-label={`Roles of ${client.clientId}`} onClick={() => setRolesOf(client)}>
                  Roles
                </button>
                {!client.isPublic && (
                  <button
                    type="button"
                    onClick={() =>
                      act(async () => {
                        const { rotateClientSecret } = await sdk.rotateClientSecret({ clientId: client.clientId });
                        setSecret({ clientId: client.clientId, secret: rotateClientSecret.clientSecret ?? '' });
                      })
                    }
                  >
                    Rotate secret
                  </button>
                )}
                <a
                  class="button"
                  href={routeHref('revocation', { client: client.clientId })}
                  aria-label={`Revoke tokens of ${client.clientId}`}
                >
                  Revoke tokens
                </a>
                <ToggleAndDelete
                  enabled={client.enabled}
                  what={`client ${client.clientId}`}
                  onToggle={() => act(() => sdk.updateClient({ clientId: client.clientId, input: { enabled: !client.enabled } }))}
                  onDelete={() => act(() => sdk.deleteClient({ clientId: client.clientId }))}
                />
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>
      {rolesOf && (
        <RoleAssignments
          key={rolesOf.id}
          subject={{ clientId: rolesOf.clientId }}
          label={rolesOf.clientId}
          tenantPath={rolesOf.tenantPath}
          onChanged={list.reload}
          onClose={() => setRolesOf(null)}
        />
      )}
      <Section title={editing ? `Edit client ${editing}` : 'Create a client'}>
        <form onSubmit={save}>
          <Field label="Name" name="name" value={draft.name} onInput={set('name')} errors={form.errors} required />
          {!editing && (
            <Field label="Client id (optional)" name="clientId" value={draft.clientId} onInput={set('clientId')} errors={form.errors} />
          )}
          {!editing && (
            <Checkbox
              label="Public client (no secret, PKCE)"
              name="isPublic"
              checked={draft.isPublic}
              onChange={set('isPublic')}
              errors={form.errors}
            />
          )}
          <Checkbox
            label="First party (no consent page)"
            name="firstParty"
            checked={draft.firstParty}
            onChange={set('firstParty')}
            errors={form.errors}
          />
          <Field
            label="Redirect URIs"
            name="redirectUris"
            multiline
            value={draft.redirectUris}
            onInput={set('redirectUris')}
            errors={form.errors}
            hint="one per line"
          />
          <Field
            label="Grant types"
            name="grantTypes"
            multiline
            value={draft.grantTypes}
            onInput={set('grantTypes')}
            errors={form.errors}
            hint="one per line: client_credentials, authorization_code, refresh_token, password, urn:ietf:params:oauth:grant-type:token-exchange"
          />
          <Checkbox
            label="Token exchange: impersonation (a user's token for one of the same user)"
            name="exchangeImpersonation"
            checked={draft.exchangeImpersonation}
            onChange={set('exchangeImpersonation')}
          />
          <Checkbox
            label="Token exchange: delegation (with an actor token, act claim)"
            name="exchangeDelegation"
            checked={draft.exchangeDelegation}
            onChange={set('exchangeDelegation')}
          />
          <Checkbox
            label="Token exchange: also tokens of descendant tenants"
            name="tokenExchange"
            checked={draft.exchangeSubtree}
            onChange={set('exchangeSubtree')}
            errors={form.errors}
          />
          <Field
            label="Allowed scopes"
            name="allowedScopes"
            value={draft.allowedScopes}
            onInput={set('allowedScopes')}
            errors={form.errors}
            hint="space separated"
          />
          <Field
            label="Access token lifetime (s)"
            name="accessTokenLifetime"
            type="number"
            value={draft.accessTokenLifetime}
            onInput={set('accessTokenLifetime')}
            errors={form.errors}
          />
          <Field
            label="Refresh token lifetime (s)"
            name="refreshTokenLifetime"
            type="number"
            value={draft.refreshTokenLifetime}
            onInput={set('refreshTokenLifetime')}
            errors={form.errors}
          />
          <FormFooter errors={form.errors} busy={form.busy} editing={editing !== null} noun="client" onCancel={cancel} />
        </form>
      </Section>
    </>
  );
}
