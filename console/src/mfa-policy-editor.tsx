import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { MfaPolicy, TenantFieldsFragment } from '../../src/sdk/generated';
import { useConsole } from './context';
import { mfaPolicyText } from './second-factor-text';
import { GeneralErrors, Notice, Section, SelectField, useSubmit } from './ui';

const POLICIES: readonly { value: MfaPolicy; label: string }[] = [
  { value: 'OFF', label: 'Off: no second factor' },
  { value: 'OPTIONAL', label: 'Optional: users may set one up (default)' },
  { value: 'REQUIRED', label: 'Required' },
];

/**
 * The second-factor policy of one tenant: OFF, OPTIONAL or REQUIRED, and with REQUIRED the roles whose
 * holders must use a second factor (none checked: everyone; `admin` is the admin flag). Saved with
 * updateTenant; what is saved is what the form shows (other policies store no roles).
 */
export function MfaPolicyEditor(props: { tenantPath: string; onSaved: () => void }): JSX.Element {
  const { sdk } = useConsole();
  const [tenant, setTenant] = useState<TenantFieldsFragment | null>(null);
  const [roleNames, setRoleNames] = useState<string[]>([]);
  const [policy, setPolicy] = useState<MfaPolicy>('OPTIONAL');
  const [roles, setRoles] = useState<readonly string[]>([]);
  const [notice, setNotice] = useState('');
  const load = useSubmit([]);
  const form = useSubmit(['mfaPolicy', 'mfaRequiredRoles']);
  const show = (current: TenantFieldsFragment) => {
    setTenant(current);
    setPolicy(current.mfaPolicy);
    setRoles(current.mfaRequiredRoles);
  };
  useEffect(() => {
    setTenant(null);
    setNotice('');
    form.reset();
    void load.run(async () => {
      const [{ tenant: current }, { roles: held }] = await Promise.all([
        sdk.tenant({ path: props.tenantPath }),
        sdk.roles({ tenantPath: props.tenantPath }),
      ]);
      setRoleNames(held.map((role) => role.name));
      if (current) show(current);
    });
  }, [props.tenantPath]);

  const save = (event: Event) => {
    event.preventDefault();
    setNotice('');
    void form.run(async () => {
      const mfaRequiredRoles = policy === 'REQUIRED' ? [...roles] : [];
      const { updateTenant } = await sdk.updateTenant({ path: props.tenantPath, input: { mfaPolicy: policy, mfaRequiredRoles } });
      show(updateTenant);
      setNotice(`Saved: ${props.tenantPath} has ${mfaPolicyText(updateTenant)}`);
      props.onSaved();
    });
  };
  const toggle = (name: string, on: boolean) =>
    setRoles((current) => (on ? [...current.filter((r) => r !== name), name] : current.filter((r) => r !== name)));
  // Names stored before a role was deleted (or typed in a provisioning file) stay listed, so they can be unchecked.
  const offered = [...roleNames, ...roles.filter((name) => !roleNames.includes(name))];
  const rolesError = form.errors.byField.mfaRequiredRoles;

  return (
    <Section title={`Second factor policy of ${props.tenantPath}`}>
      <GeneralErrors errors={load.errors} />
      {tenant && (
        <p class="muted" data-testid="mfa-policy">
          Now: {mfaPolicyText(tenant)}
        </p>
      )}
      <form onSubmit={save}>
        <SelectField
          label="Second factor"
          name="mfaPolicy"
          value={policy}
          options={POLICIES}
          onChange={(value) => setPolicy(value as MfaPolicy)}
          errors={form.errors}
          hint="Required: users without one set it up at their next sign-in"
        />
        {policy === 'REQUIRED' && (
          <fieldset class={rolesError ? 'permissions invalid' : 'permissions'} aria-describedby="mfa-roles-hint">
            <legend>Required for holders of</legend>
            <small id="mfa-roles-hint" class="hint">
              None checked: everyone. <code>admin</code> is the admin flag.
            </small>
            {offered.map((name) => (
              <label key={name} class="permission">
                <input
                  type="checkbox"
                  name="mfaRequiredRoles"
                  value={name}
                  checked={roles.includes(name)}
                  onChange={(event) => toggle(name, event.currentTarget.checked)}
                />{' '}
                {name}
                {!roleNames.includes(name) && <span class="muted"> (no such role in this tenant)</span>}
              </label>
            ))}
            {rolesError && (
              <p class="field-error" role="alert">
                {rolesError}
              </p>
            )}
          </fieldset>
        )}
        <GeneralErrors errors={form.errors} />
        <button type="submit" disabled={form.busy || !tenant}>
          Save policy
        </button>
      </form>
      <Notice text={notice} testId="mfa-policy-saved" />
    </Section>
  );
}
