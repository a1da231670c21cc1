import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { useConsole } from '../context';
import { tenantTree } from '../filter-rows';
import { MfaPolicyEditor } from '../mfa-policy-editor';
import { mfaPolicyText } from '../second-factor-text';
import { Field, GeneralErrors, ListTools, Section, useSubmit } from '../ui';
import { usePage } from '../use-page';
import { useSearch } from '../use-search';

export function TenantsScreen(): JSX.Element {
  const { sdk, tenantPath, setTenantPath } = useConsole();
  const search = useSearch();
  const list = usePage(async (after) => (await sdk.tenants({ first: 100, after, search: search.term })).tenants, [search.term]);
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [rotationDays, setRotationDays] = useState('');
  const form = useSubmit(['path', 'name', 'keyRotationDays']);
  const create = (event: Event) => {
    event.preventDefault();
    void form.run(async () => {
      const keyRotationDays = rotationDays.trim() === '' ? null : Number(rotationDays);
      await sdk.createTenant({ input: { path, name: name || null, keyRotationDays } });
      setPath('');
      setName('');
      setRotationDays('');
      list.reload();
    });
  };
  const nodes = list.page ? tenantTree(list.page.nodes) : [];
  const top = Math.min(...nodes.map((node) => node.depth));
  return (
    <>
      <Section title="Tenant tree">
        <ListTools label="Search tenants" hint="path or name" search={search} list={list} />
        <ul class="tree" aria-label="Tenants">
          {nodes.map(({ tenant, depth }) => (
            <li key={tenant.id} class={`depth-${Math.min(depth - top, 6)}`}>
              <button
                type="button"
                class={tenant.path === tenantPath ? 'link current' : 'link'}
                aria-current={tenant.path === tenantPath ? 'true' : undefined}
                onClick={() => setTenantPath(tenant.path)}
              >
                {tenant.path}
              </button>{' '}
              <span class="muted">
                {tenant.name} · {tenant.signingAlgorithm}
                {tenant.keyRotationDays > 0 ? ` (new key every ${tenant.keyRotationDays} days)` : ''} · {mfaPolicyText(tenant)}
              </span>
            </li>
          ))}
        </ul>
      </Section>
      <MfaPolicyEditor key={tenantPath} tenantPath={tenantPath} onSaved={list.reload} />
      <Section title="Create a tenant">
        <form onSubmit={create}>
          <Field
            label="Path"
            name="path"
            value={path}
            onInput={setPath}
            errors={form.errors}
            hint="e.g. /acme/eu; its parent must exist"
            required
          />
          <Field label="Name" name="name" value={name} onInput={setName} errors={form.errors} />
          <Field
            label="Rotate signing keys every (days)"
            name="keyRotationDays"
            type="number"
            step={1}
            value={rotationDays}
            onInput={setRotationDays}
            errors={form.errors}
            hint="empty or 0: manual rotation only; must exceed the longest token lifetime plus the publication window"
          />
          <GeneralErrors errors={form.errors} />
          <button type="submit" disabled={form.busy}>
            Create tenant
          </button>
        </form>
      </Section>
    </>
  );
}
