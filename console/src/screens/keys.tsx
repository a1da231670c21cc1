import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { SigningKeyFieldsFragment } from '../../../src/sdk/generated';
import { useConsole } from '../context';
import { GeneralErrors, Section, useSubmit } from '../ui';

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
      <button type="button" disabled={action.busy} onClick={() => void action.run(async () => (await sdk.rotateSigningKey({ tenantPath }), setVersion((v) => v + 1)))}>
        Rotate signing key
      </button>
      <table>
        <caption>{keys ? `${keys.length} keys` : 'Loading…'}</caption>
        <thead>
          <tr>
            <th scope="col">kid</th>
            <th scope="col">Algorithm</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Retired</th>
            <th scope="col">Published until</th>
          </tr>
        </thead>
        <tbody>
          {(keys ?? []).map((key) => (
            <tr key={key.kid}>
              <td>
                <code>{key.kid}</code>
              </td>
              <td>{key.algorithm}</td>
              <td>{key.status}</td>
              <td>{key.createdAt}</td>
              <td>{key.retiredAt ?? ''}</td>
              <td>{key.publishUntil ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
