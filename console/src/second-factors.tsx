import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { UserSecondFactorsQuery } from '../../src/sdk/generated';
import { useConsole } from './context';
import { factorKindText, resetText } from './second-factor-text';
import { shownTime } from './time-text';
import { DataTable, GeneralErrors, Notice, Section, useSubmit } from './ui';

/** A factor as listed; kinds other than TOTP (passkeys) may carry a name and a last use. */
type Factor = UserSecondFactorsQuery['userSecondFactors']['factors'][number] & {
  name?: string | null;
  lastUsedAt?: string | null;
};

/**
 * A user's second factors (userSecondFactors) and unused recovery codes, with a reset that removes
 * all of them (resetUserSecondFactors, audited): for a user who lost their phone. Under policy REQUIRED
 * the user sets one up again at the next sign-in.
 */
export function SecondFactors(props: { user: { id: string; username: string }; onClose: () => void }): JSX.Element {
  const { sdk } = useConsole();
  const [factors, setFactors] = useState<{ factors: Factor[]; recoveryCodesLeft: number } | null>(null);
  const [notice, setNotice] = useState('');
  const action = useSubmit([]);
  const load = async () => setFactors((await sdk.userSecondFactors({ userId: props.user.id })).userSecondFactors);
  useEffect(() => {
    void action.run(load);
  }, [props.user.id]);
  const reset = () => {
    if (!confirm(`Reset every second factor and recovery code of ${props.user.username}? They will need to set one up again.`)) return;
    setNotice('');
    void action.run(async () => {
      const { resetUserSecondFactors: removed } = await sdk.resetUserSecondFactors({ userId: props.user.id });
      setNotice(resetText(props.user.username, removed));
      await load();
    });
  };
  const rows = factors?.factors ?? [];
  const named = rows.some((factor) => factor.name);
  const used = rows.some((factor) => factor.lastUsedAt);
  const columns = ['Kind', ...(named ? ['Name'] : []), 'State', 'Created', 'Confirmed', ...(used ? ['Last used'] : [])];
  return (
    <Section title={`Second factors of ${props.user.username}`}>
      <GeneralErrors errors={action.errors} />
      <Notice text={notice} testId="second-factors-reset" />
      <DataTable caption={factors ? `${rows.length} second factors` : 'Loading…'} columns={columns}>
        {rows.map((factor) => (
          <tr key={factor.id} data-kind={factor.kind}>
            <td>{factorKindText(factor.kind)}</td>
            {named && <td>{factor.name ?? ''}</td>}
            <td>{factor.confirmed ? 'confirmed' : 'not confirmed (does not count)'}</td>
            <td>{shownTime(factor.createdAt)}</td>
            <td>{shownTime(factor.confirmedAt, '—')}</td>
            {used && <td>{shownTime(factor.lastUsedAt, 'never')}</td>}
          </tr>
        ))}
      </DataTable>
      {factors && (
        <p data-testid="recovery-codes-left">
          Recovery codes left: <strong>{factors.recoveryCodesLeft}</strong>
        </p>
      )}
      <button type="button" onClick={reset} disabled={action.busy || !factors || (rows.length === 0 && factors.recoveryCodesLeft === 0)}>
        Reset second factors
      </button>{' '}
      <button type="button" onClick={props.onClose}>
        Close
      </button>
    </Section>
  );
}
