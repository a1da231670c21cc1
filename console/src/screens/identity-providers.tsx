import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { IdentityProviderFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import {
  EMPTY_PROVIDER,
  PROVIDER_FIELDS,
  createProviderInput,
  providerDraftOf,
  updateProviderInput,
  type IdentityProviderDraft,
} from '../identity-provider-draft';
import { Checkbox, DataTable, Field, FormFooter, GeneralErrors, Notice, Section, SelectField, ToggleAndDelete, useSubmit } from '../ui';
import { useEditor } from '../use-editor';

const KINDS = [
  { value: 'OIDC', label: 'OpenID Connect (endpoints discovered from the issuer)' },
  { value: 'OAUTH2', label: 'OAuth 2.0 (endpoints named here; userinfo gives the profile)' },
];

/**
 * The upstream identity providers of the tenant shown (identityProviders): list, create, edit (the client
 * secret is write-only: an empty field keeps the stored one), enable/disable and delete after asking.
 */
export function IdentityProvidersScreen(): JSX.Element {
  const { sdk, tenantPath } = useConsole();
  const [providers, setProviders] = useState<IdentityProviderFieldsFragment[] | null>(null);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState('');
  const load = useSubmit([]);
  const reload = () => setVersion((v) => v + 1);
  const { editing, draft, form, rowAction, set, edit, cancel, submit, act } = useEditor<
    IdentityProviderFieldsFragment,
    IdentityProviderDraft
  >(EMPTY_PROVIDER, PROVIDER_FIELDS, reload);
  useEffect(() => {
    let live = true;
    void load.run(async () => {
      const { identityProviders } = await sdk.identityProviders({ tenantPath });
      if (live) setProviders(identityProviders);
    });
    return () => {
      live = false;
    };
  }, [tenantPath, version]);

  const save = submit(async () => {
    if (editing) {
      const { updateIdentityProvider } = await sdk.updateIdentityProvider({ id: editing.id, input: updateProviderInput(draft) });
      setNotice(`Saved ${updateIdentityProvider.name}`);
    } else {
      const { createIdentityProvider } = await sdk.createIdentityProvider({ input: createProviderInput(tenantPath, draft) });
      setNotice(`Created ${createIdentityProvider.name}; register ${createIdentityProvider.redirectUri} at the provider`);
    }
  });
  const oauth2 = draft.kind === 'OAUTH2';

  return (
    <>
      <Section title={`Identity providers of ${tenantPath}`}>
        <p class="muted">
          Upstream OpenID Connect or OAuth 2.0 providers offered on this tenant’s sign-in page; an email of one of a provider’s domains is
          sent there (home-realm discovery).
        </p>
        <Notice text={notice} testId="identity-provider-saved" />
        <GeneralErrors errors={load.errors} />
        <GeneralErrors errors={rowAction.errors} />
        <DataTable
          caption={providers ? `${providers.length} identity providers` : 'Loading…'}
          columns={['Name', 'Alias', 'Kind', 'Issuer', 'Email domains', 'Exclusive', 'JIT', 'Secret', 'State', 'Actions']}
        >
          {(providers ?? []).map((provider) => (
            <tr key={provider.id} data-alias={provider.alias}>
              <td>{provider.name}</td>
              <td>
                <code>{provider.alias}</code>
              </td>
              <td>{provider.kind}</td>
              <td>
                <code>{provider.issuer}</code>
              </td>
              <td>{provider.emailDomains.join(', ')}</td>
              <td>{provider.exclusive ? 'exclusive' : ''}</td>
              <td>{provider.jitProvisioning ? 'creates users' : 'existing users only'}</td>
              <td>{provider.hasClientSecret ? 'secret set' : 'no secret'}</td>
              <td>{provider.enabled ? 'enabled' : 'disabled'}</td>
              <td class="actions">
                <button type="button" aria-label={`Edit ${provider.name}`} onClick={() => edit(provider, providerDraftOf(provider))}>
                  Edit
                </button>
                <ToggleAndDelete
                  enabled={provider.enabled}
                  what={`identity provider ${provider.name} (its users keep their accounts, without this way in)`}
                  onToggle={() => act(() => sdk.updateIdentityProvider({ id: provider.id, input: { enabled: !provider.enabled } }))}
                  onDelete={() =>
                    act(async () => {
                      await sdk.deleteIdentityProvider({ id: provider.id });
                      if (editing?.id === provider.id) cancel();
                    })
                  }
                />
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>
      <Section title={editing ? `Edit identity provider ${editing.name}` : 'New identity provider'}>
        <form onSubmit={save}>
          {editing ? (
            <p>
              Kind: <strong>{editing.kind}</strong> · redirect URI to register upstream: <code>{editing.redirectUri}</code> · back-channel
              logout URI: <code>{editing.backchannelLogoutUri}</code> · post-logout redirect URI:{' '}
              <code>{editing.postLogoutRedirectUri}</code>
            </p>
          ) : (
            <SelectField
              label="Kind"
              name="kind"
              value={draft.kind}
              options={KINDS}
              onChange={(value) => set('kind')(value === 'OAUTH2' ? 'OAUTH2' : 'OIDC')}
              errors={form.errors}
            />
          )}
          <Field
            label="Name"
            name="name"
            value={draft.name}
            onInput={set('name')}
            errors={form.errors}
            hint="the button says “Sign in with {name}”"
            required
          />
          <Field
            label="Alias"
            name="alias"
            value={draft.alias}
            onInput={set('alias')}
            errors={form.errors}
            hint="lower-case letters, digits and hyphens; names the callback …/federation/{alias}/callback"
            required
          />
          <Field
            label="Issuer"
            name="issuer"
            value={draft.issuer}
            onInput={set('issuer')}
            errors={form.errors}
            hint={oauth2 ? 'recorded as the iss of its users’ identities' : 'its discovery document is read at the first sign-in'}
            required
          />
          {oauth2 && (
            <>
              <Field
                label="Authorization endpoint"
                name="authorizationEndpoint"
                value={draft.authorizationEndpoint}
                onInput={set('authorizationEndpoint')}
                errors={form.errors}
                required
              />
              <Field
                label="Token endpoint"
                name="tokenEndpoint"
                value={draft.tokenEndpoint}
                onInput={set('tokenEndpoint')}
                errors={form.errors}
                required
              />
              <Field
                label="Userinfo endpoint"
                name="userinfoEndpoint"
                value={draft.userinfoEndpoint}
                onInput={set('userinfoEndpoint')}
                errors={form.errors}
                required
              />
            </>
          )}
          <Field label="Client id" name="clientId" value={draft.clientId} onInput={set('clientId')} errors={form.errors} required />
          <Field
            label={editing ? 'New client secret (leave empty to keep)' : 'Client secret'}
            name="clientSecret"
            type="password"
            value={draft.clientSecret}
            onInput={set('clientSecret')}
            errors={form.errors}
            hint={
              editing
                ? editing.hasClientSecret
                  ? 'secret set (never shown)'
                  : 'no secret set: a public client (PKCE only)'
                : 'write-only; empty: a public client (PKCE only)'
            }
          />
          {editing?.hasClientSecret && (
            <Checkbox
              label="Remove the stored secret"
              name="clearClientSecret"
              checked={draft.clearClientSecret}
              onChange={set('clearClientSecret')}
            />
          )}
          <Field
            label="Scopes"
            name="scopes"
            value={draft.scopes}
            onInput={set('scopes')}
            errors={form.errors}
            hint={oauth2 ? 'separated by spaces' : 'separated by spaces; openid is added'}
          />
          <Field
            label="Email domains"
            name="emailDomains"
            value={draft.emailDomains}
            onInput={set('emailDomains')}
            errors={form.errors}
            hint="separated by commas or spaces; an email of these domains typed on the sign-in page goes to this provider"
          />
          <Field
            label="Claim mapping"
            name="claimMapping"
            multiline
            value={draft.claimMapping}
            onInput={set('claimMapping')}
            errors={form.errors}
            hint="one field=claim a line (username, email, firstname, lastname, phone); fields left out take the standard claim"
          />
          <Checkbox
            label="Exclusive: users of these domains sign in only here (no password)"
            name="exclusive"
            checked={draft.exclusive}
            onChange={set('exclusive')}
            errors={form.errors}
          />
          <Checkbox
            label="Create users on first sign-in (JIT)"
            name="jitProvisioning"
            checked={draft.jitProvisioning}
            onChange={set('jitProvisioning')}
            errors={form.errors}
          />
          <Checkbox
            label="Believe the provider’s email_verified"
            name="trustEmailVerified"
            checked={draft.trustEmailVerified}
            onChange={set('trustEmailVerified')}
            errors={form.errors}
          />
          <Checkbox
            label="Signing out here also signs out at the provider (OIDC)"
            name="upstreamLogout"
            checked={draft.upstreamLogout}
            onChange={set('upstreamLogout')}
            errors={form.errors}
          />
          <Checkbox label="Enabled" name="enabled" checked={draft.enabled} onChange={set('enabled')} errors={form.errors} />
          <FormFooter errors={form.errors} busy={form.busy} editing={editing !== null} noun="identity provider" onCancel={cancel} />
        </form>
      </Section>
    </>
  );
}
