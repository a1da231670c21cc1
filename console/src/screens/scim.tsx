import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { ScimTokenFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { shownTime } from '../time-text';
import { DataTable, Field, GeneralErrors, Section, ShownOnce, useSubmit } from '../ui';

/**
 * The SCIM 2.0 bearer tokens of the tenant shown (scimTokens): list, create (the token shown once, with
 * Copy; only its SHA-256 is kept) and revoke after asking (SCIM requests with it are refused from then on).
 */
export function ScimScreen(): JSX.Element {
  const { sdk, tenantPath } = useConsole();
  const [tokens, setTokens] = useState<ScimTokenFieldsFragment[] | null>(null);
  const [version, setVersion] = useState(0);
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<{ description: string; token: string } | null>(null);
  const load = useSubmit([]);
  const row = useSubmit([]);
  const create = useSubmit(['description', 'tenantPath']);
  const reload = () => setVersion((v) => v + 1);
  useEffect(() => {
    let live = true;
    void load.run(async () => {
      const { scimTokens } = await sdk.scimTokens({ tenantPath });
      if (live) setTokens(scimTokens);
    });
    return () => {
      live = false;
    };
  }, [tenantPath, version]);

  const submit = (event: Event) => {
    event.preventDefault();
    void create
      .run(async () => {
        const { createScimToken } = await sdk.createScimToken({ tenantPath, description: description || null });
        setCreated({ description: createScimToken.scimToken.description, token: createScimToken.token });
        setDescription('');
      })
      .then((done) => done && reload());
  };
  const revoke = (token: ScimTokenFieldsFragment) => {
    if (!confirm(`Revoke the SCIM token “${token.description}”? Provisioning with it stops at once.`)) return;
    void row.run(async () => void (await sdk.revokeScimToken({ id: token.id }))).then((done) => done && reload());
  };

  return (
    <>
      <Section title={`SCIM tokens of ${tenantPath}`}>
        <p class="muted">
          Bearer tokens for this tenant’s SCIM 2.0 endpoints ({'{issuer}'}/scim/v2), used by a directory to provision users.
        </p>
        {created && <ShownOnce label={`SCIM token ${created.description}`} secret={created.token} />}
        <GeneralErrors errors={load.errors} />
        <GeneralErrors errors={row.errors} />
        <DataTable caption={tokens ? `${tokens.length} SCIM tokens` : 'Loading…'} columns={['Description', 'Created', 'State', 'Actions']}>
          {(tokens ?? []).map((token) => (
            <tr key={token.id} data-state={token.revokedAt ? 'revoked' : 'active'}>
              <td>{token.description}</td>
              <td>{shownTime(token.createdAt)}</td>
              <td>{token.revokedAt ? `revoked ${shownTime(token.revokedAt)}` : 'active'}</td>
              <td class="actions">
                {!token.revokedAt && (
                  <button type="button" aria-label={`Revoke ${token.description}`} onClick={() => revoke(token)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </Section>
      <Section title="New SCIM token">
        <form onSubmit={submit}>
          <Field
            label="Description"
            name="description"
            value={description}
            onInput={setDescription}
            errors={create.errors}
            hint="what uses it, e.g. the HR directory"
          />
          <GeneralErrors errors={create.errors} />
          <button type="submit" disabled={create.busy}>
            Create SCIM token
          </button>
        </form>
      </Section>
    </>
  );
}
