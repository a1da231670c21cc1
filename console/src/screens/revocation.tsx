import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { useConsole } from '../context';
import { isoFromLocalInput, localInputValue } from '../time-text';
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
  const [userId, setUserId] = useState(params.user ?? '');
  const [clientId, setClientId] = useState(params.client ?? '');
  const [batchTenant, setBatchTenant] = useState(tenantPath);
  const [before, setBefore] = useState(() => localInputValue(new Date()));
  const byUser = useRevocation(['userId'], { subject: 'userId' });
  const byClient = useRevocation(['clientId'], { subject: 'clientId' });
  const batch = useRevocation(['tenantPath', 'before'], BATCH_PLACEMENT);
  const onSubmit = (run: () => void) => (event: Event) => {
    event.preventDefault();
    run();
  };

  return (
    <>
      <Section title="Revoke a user's tokens">
        <form onSubmit={onSubmit(() => byUser.revoke({ kind: 'user', userId: userId.trim() }, async () => (await sdk.revokeUserTokens({ userId: userId.trim() })).revokeUserTokens))}>
          <Field label="User id" name="userId" value={userId} onInput={setUserId} errors={byUser.errors} hint="everything the user holds, devices included, issued until now; the Revoke tokens link on the Users screen fills this in" />
          <GeneralErrors errors={byUser.errors} />
          <button type="submit" disabled={byUser.busy}>
            Revoke user's tokens
          </button>
          <Notice text={byUser.result} testId="user-revocation-result" />
        </form>
      </Section>
      <Section title="Revoke a client's tokens">
        <form onSubmit={onSubmit(() => byClient.revoke({ kind: 'client', clientId: clientId.trim() }, async () => (await sdk.revokeClientTokens({ clientId: clientId.trim() })).revokeClientTokens))}>
          <Field label="Client id" name="clientId" value={clientId} onInput={setClientId} errors={byClient.errors} hint="everything issued to the client until now, its users' tokens included" />
          <GeneralErrors errors={byClient.errors} />
          <button type="submit" disabled={byClient.busy}>
            Revoke client's tokens
          </button>
          <Notice text={byClient.result} testId="client-revocation-result" />
        </form>
      </Section>
      <Section title="Revoke a tenant's tokens by time">
        <form
          onSubmit={onSubmit(() => {
            const beforeIso = isoFromLocalInput(before);
            // An empty or unreadable time goes to the API as it is, which names the `before` input in its answer.
            batch.revoke({ kind: 'batch', tenantPath: batchTenant.trim(), beforeIso: beforeIso ?? before }, async () => (await sdk.revokeTokensIssuedBefore({ tenantPath: batchTenant.trim(), before: beforeIso ?? before })).revokeTokensIssuedBefore);
          })}
        >
          <Field label="Tenant (and subtree)" name="tenantPath" value={batchTenant} onInput={setBatchTenant} errors={batch.errors} />
          <Field label="Issued before" name="before" type="datetime-local" step={1} value={before} onInput={setBefore} errors={batch.errors} hint="your local time; a time in the future counts as now" />
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
