import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { useConsole } from '../context';
import { filterRows } from '../filter-rows';
import { isoFromLocalInput } from '../time-text';
import { DataTable, Field, ListTools, Section } from '../ui';
import { usePage } from '../use-page';

/** The list's errors show with its search box (ListTools), none on the filter inputs. */
const errors = { byField: {}, general: [] };

interface Filters {
  tenantPath: string;
  actor: string;
  action: string;
  from: string;
  to: string;
}

export function AuditScreen(): JSX.Element {
  const { sdk, tenantPath } = useConsole();
  const [draft, setDraft] = useState<Filters>({ tenantPath, actor: '', action: '', from: '', to: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [search, setSearch] = useState('');
  const list = usePage(
    async (after) =>
      (
        await sdk.auditEvents({
          tenantPath: filters.tenantPath || null,
          actor: filters.actor || null,
          action: filters.action || null,
          from: isoFromLocalInput(filters.from),
          to: isoFromLocalInput(filters.to),
          first: 50,
          after,
        })
      ).auditEvents,
    [filters],
  );
  const set = (key: keyof Filters) => (value: string) => setDraft((current) => ({ ...current, [key]: value }));
  const rows = filterRows(list.page?.nodes ?? [], search, (e) => [
    e.action,
    e.tenantPath,
    e.actorId,
    e.actorClientId,
    e.targetId,
    e.outcome,
  ]);
  return (
    <Section title="Audit events">
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft);
        }}
      >
        <Field label="Tenant (and subtree)" name="tenantPath" value={draft.tenantPath} onInput={set('tenantPath')} errors={errors} />
        <Field label="Actor (user or client id)" name="actor" value={draft.actor} onInput={set('actor')} errors={errors} />
        <Field
          label="Action"
          name="action"
          value={draft.action}
          onInput={set('action')}
          errors={errors}
          hint="e.g. createClient, signin, token"
        />
        <Field label="From" name="from" type="datetime-local" value={draft.from} onInput={set('from')} errors={errors} />
        <Field label="To" name="to" type="datetime-local" value={draft.to} onInput={set('to')} errors={errors} />
        <button type="submit">Apply filters</button>
      </form>
      <ListTools label="Search events on this page" search={{ text: search, onInput: setSearch }} list={list} />
      <DataTable
        caption={list.page ? `${list.page.totalCount} events` : 'Loading…'}
        columns={['When', 'Action', 'Outcome', 'Tenant', 'Actor', 'Target']}
      >
        {rows.map((event) => (
          <tr key={event.id} data-action={event.action}>
            <td>{event.occurredAt}</td>
            <td>{event.action}</td>
            <td>{event.outcome}</td>
            <td>{event.tenantPath}</td>
            <td>
              {event.actorKind} {event.actorId ?? ''}
              {event.actorClientId && event.actorClientId !== event.actorId ? ` via ${event.actorClientId}` : ''}
            </td>
            <td>
              {event.targetKind ?? ''} {event.targetId ?? ''}
            </td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}
