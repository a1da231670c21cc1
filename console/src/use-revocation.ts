import { useState } from 'preact/hooks';
import type { ErrorPlacement } from './graphql-errors';
import { confirmRevocation, revocationResult, type RevocationTarget } from './revocation-text';
import { useSubmit } from './ui';

/**
 * A revocation form or button: asks for confirmation, runs the mutation, and
 * shows the count it returned; its errors land on `fields` like any form's.
 */
export function useRevocation(
  fields: readonly string[],
  placement?: ErrorPlacement,
  ask: (question: string) => boolean = (question) => confirm(question),
) {
  const submit = useSubmit(fields, placement);
  const [result, setResult] = useState('');
  const revoke = (target: RevocationTarget, mutation: () => Promise<number>, after?: () => void): void => {
    if (!ask(confirmRevocation(target))) return;
    setResult('');
    void submit.run(async () => {
      setResult(revocationResult(target, await mutation()));
      after?.();
    });
  };
  return { errors: submit.errors, busy: submit.busy, result, revoke };
}
