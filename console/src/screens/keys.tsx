import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { SigningKeyFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { DataTable, GeneralErrors, Section, useSubmit } from '../ui';

export function KeysScreen(): JSX.Element {
  const { sdk, tenantPath } = useConsole();
  const [keys, setKeys] = useState<SigningKeyFieldsFragment[] | null>(null);
  const [version, setVersion] = useState(0);
  const action = useSubmit([]);
  useEffect(() => {
    void action.run(async () => setKeys((await sdk.signingKeys({ tenantPath })).signingKeys));
  }, [tenantPath, version]);
  return (
    <Section title={`Signing keys of ${tenantPath}`}>
      <GeneralErrors errors={action.errors} />
      <button
        type="button"
        disabled={action.busy}
        onClick={() => void action.run(async () => (await sdk.rotateSigningKey({ tenantPath }), setVersion((v) => v + 1)))}
      >
        Rotate signing key
      </button>
      <DataTable
        caption={keys ? `${keys.length} keys` : 'Loading…'}
        columns={['kid', 'Algorithm', 'Status', 'Created', 'Activates', 'Retired', 'Published until']}
      >
        {(keys ?? []).map((key) => (
          <tr key={key.kid}>
            <td>
              <code>{key.kid}</code>
            </td>
            <td>{key.algorithm}</td>
            <td>{key.status}</td>
            <td>{key.createdAt}</td>
            <td>{key.activatesAt}</td>
            <td>{key.retiredAt ?? ''}</td>
            <td>{key.publishUntil ?? ''}</td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}
