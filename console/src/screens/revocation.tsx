import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { ConsoleSdk } from '../api';
import { useConsole } from '../context';
import { isoFromLocalInput, localInputValue } from '../time-text';
import type { RevocationTarget } from '../revocation-text';
import { Field, GeneralErrors, Notice, Section } from '../ui';
import { useRevocation } from '../use-revocation';

/** `tenants.get` reports a malformed tenant path as field `path`; the batch form calls its input `tenantPath`. */
const BATCH_PLACEMENT = { subject: 'tenantPath', aliases: { path: 'tenantPath' } };

/**
 * Revocation by scope: every token of a user, of a client, or of a tenant subtree
 * issued before a time. Each asks first and shows the count the API returned.
 */
export function RevocationScreen(): JSX.Element {
  const { sdk, tenantPath, params } = useConsole();
  const [batchTenant, setBatchTenant] = useState(tenantPath);
  const [before, setBefore] = useState(() => localInputValue(new Date()));
  const batch = useRevocation(['tenantPath', 'before'], BATCH_PLACEMENT);

  return (
    <>
      {subjects(sdk).map((subject) => (
        <SubjectRevocation key={subject.name} {...subject} initial={params[subject.param]} />
      ))}
      <Section title="Revoke a tenant's tokens by time">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const beforeIso = isoFromLocalInput(before);
            // An empty or unreadable time goes to the API as it is, which names the `before` input in its answer.
            batch.revoke(
              { kind: 'batch', tenantPath: batchTenant.trim(), beforeIso: beforeIso ?? before },
              async () =>
                (await sdk.revokeTokensIssuedBefore({ tenantPath: batchTenant.trim(), before: beforeIso ?? before }))
                  .revokeTokensIssuedBefore,
            );
          }}
        >
          <Field label="Tenant (and subtree)" name="tenantPath" value={batchTenant} onInput={setBatchTenant} errors={batch.errors} />
          <Field
            label="Issued before"
            name="before"
            type="datetime-local"
            step={1}
            value={before}
            onInput={setBefore}
            errors={batch.errors}
            hint="your local time; a time in the future counts as now"
          />
          <button type="button" onClick={() => setBefore(localInputValue(new Date()))}>
            Now
          </button>
          <GeneralErrors errors={batch.errors} />
          <button type="submit" disabled={batch.busy}>
            Revoke tokens issued before
          </button>
          <Notice text={batch.result} testId="batch-revocation-result" />
        </form>
      </Section>
    </>
  );
}

/** The subjects revoked by id: a user (`#revocation?user=<id>`) and a client (`?client=<client id>`). */
const subjects = (sdk: ConsoleSdk) => [
  {
    param: 'user',
    title: "Revoke a user's tokens",
    label: 'User id',
    name: 'userId',
    hint: 'everything the user holds, devices included, issued until now; the Revoke tokens link on the Users screen fills this in',
    button: "Revoke user's tokens",
    testId: 'user-revocation-result',
    target: (userId: string): RevocationTarget => ({ kind: 'user', userId }),
    mutation: async (userId: string) => (await sdk.revokeUserTokens({ userId })).revokeUserTokens,
  },
  {
    param: 'client',
    title: "Revoke a client's tokens",
    label: 'Client id',
    name: 'clientId',
    hint: "everything issued to the client until now, its users' tokens included; the Revoke tokens link on the Clients screen fills this in",
    button: "Revoke client's tokens",
    testId: 'client-revocation-result',
    target: (clientId: string): RevocationTarget => ({ kind: 'client', clientId }),
    mutation: async (clientId: string) => (await sdk.revokeClientTokens({ clientId })).revokeClientTokens,
  },
];

/** A form revoking everything of one subject named by an id (a user, a client); errors naming no field are the id's. */
function SubjectRevocation(props: {
  title: string;
  label: string;
  name: string;
  initial: string | undefined;
  hint: string;
  button: string;
  testId: string;
  target: (id: string) => RevocationTarget;
  mutation: (id: string) => Promise<number>;
}): JSX.Element {
  const [id, setId] = useState(props.initial ?? '');
  const revocation = useRevocation([props.name], { subject: props.name });
  return (
    <Section title={props.title}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          revocation.revoke(props.target(id.trim()), () => props.mutation(id.trim()));
        }}
      >
        <Field label={props.label} name={props.name} value={id} onInput={setId} errors={revocation.errors} hint={props.hint} />
        <GeneralErrors errors={revocation.errors} />
        <button type="submit" disabled={revocation.busy}>
          {props.button}
        </button>
        <Notice text={revocation.result} testId={props.testId} />
      </form>
    </Section>
  );
}
