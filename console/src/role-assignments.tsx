import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { RoleFieldsFragment } from '../../src/sdk/generated';
import { useConsole } from './context';
import { GeneralErrors, Section, useSubmit } from './ui';

/**
 * The roles of one user or client, each a checkbox: checking assigns the role at once
 * (assignRole), unchecking takes it away (unassignRole). For a user the built-in role admin
 * is its admin flag; a client has no admin role (it gets scope admin through allowedScopes).
 */
export function RoleAssignments(props: {
  subject: { userId: string } | { clientId: string };
  /** The user's username or the client's id, for the heading. */
  label: string;
  tenantPath: string;
  onChanged: () => void;
  onClose: () => void;
}): JSX.Element {
  const { sdk } = useConsole();
  const [roles, setRoles] = useState<RoleFieldsFragment[] | null>(null);
  /** What the boxes show (a choice at once); `confirmed` is what the API answered last. */
  const [held, setHeld] = useState<ReadonlySet<string>>(new Set());
  const [confirmed, setConfirmed] = useState<ReadonlySet<string>>(new Set());
  const action = useSubmit([]);
  const forUser = 'userId' in props.subject;
  const load = async () => {
    const all = (await sdk.roles({ tenantPath: props.tenantPath })).roles;
    const current =
      'userId' in props.subject
        ? (await sdk.userRoles({ id: props.subject.userId })).user.roles
        : (await sdk.clientRoles({ clientId: props.subject.clientId })).client.roles;
    setRoles(forUser ? all : all.filter((role) => !role.builtIn));
    const ids = new Set(current.map((role) => role.id));
    setHeld(ids);
    setConfirmed(ids);
  };
  useEffect(() => {
    void action.run(load);
  }, [props.label]);
  const change = (role: RoleFieldsFragment, assign: boolean) => {
    // The box shows the choice at once; the list read back afterwards (or after a refusal) is what holds.
    setHeld((current) => new Set(assign ? [...current, role.id] : [...current].filter((id) => id !== role.id)));
    void action
      .run(async () => {
        const variables = { roleId: role.id, ...props.subject };
        await (assign ? sdk.assignRole(variables) : sdk.unassignRole(variables));
        props.onChanged();
      })
      .finally(() => void load().catch(() => undefined));
  };
  const names = (roles ?? []).filter((role) => confirmed.has(role.id)).map((role) => role.name);
  return (
    <Section title={`Roles of ${props.label}`}>
      <GeneralErrors errors={action.errors} />
      <p role="status" data-testid="held-roles">
        {roles === null ? 'Loading…' : names.length > 0 ? `${props.label} holds: ${names.join(', ')}` : `${props.label} holds no role`}
      </p>
      {roles?.length === (forUser ? 1 : 0) && <p class="muted">This tenant has no roles yet: create them on the Roles screen.</p>}
      <div class="role-choices">
        {(roles ?? []).map((role) => (
          <label key={role.id} class="permission">
            <input
              type="checkbox"
              name="role"
              value={role.name}
              checked={held.has(role.id)}
              disabled={action.busy}
              onChange={(event) => change(role, event.currentTarget.checked)}
            />{' '}
            {role.name}
            {role.description && <span class="muted"> {role.description}</span>}
          </label>
        ))}
      </div>
      <button type="button" onClick={props.onClose}>
        Close
      </button>
    </Section>
  );
}
