import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { errorsOf, showErrors, type ErrorPlacement, type GraphQLErrorEntry, type ShownErrors } from './graphql-errors';

const NO_ERRORS: ShownErrors = { byField: {}, general: [] };

/** A form's submit state: runs `action`, maps its GraphQL errors onto `fields` (see {@link showErrors}), reports success. */
export function useSubmit(fields: readonly string[], placement?: ErrorPlacement) {
  const [errors, setErrors] = useState<ShownErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await action();
      return true;
    } catch (error) {
      setErrors(showErrors(errorsOf(error), fields, placement));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, run, reset: () => setErrors(NO_ERRORS) };
}

let fieldIds = 0;

interface FieldProps {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  errors: ShownErrors;
  type?: 'text' | 'password' | 'email' | 'number' | 'datetime-local';
  multiline?: boolean;
  hint?: string;
  required?: boolean;
  /** For number and time inputs: `1` lets a `datetime-local` take seconds. */
  step?: number;
}

/** A labelled input; the error for `name` (code and message) is shown under it and tied to it with aria-describedby. */
export function Field(props: FieldProps): JSX.Element {
  const [id] = useState(() => `f${++fieldIds}`);
  const error = props.errors.byField[props.name];
  const describedBy = [error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required,
    step: props.step,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
    onInput: (event: Event) => props.onInput((event.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.multiline ? <textarea rows={3} {...common} /> : <input {...common} type={(props.type ?? 'text') as 'text'} />}
      {props.hint && (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled select; like {@link Field}, the error for `name` shows under it. */
export function SelectField(props: {
  label: string;
  name: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (value: string) => void;
  errors: ShownErrors;
  hint?: string;
}): JSX.Element {
  const [id] = useState(() => `f${++fieldIds}`);
  const error = props.errors.byField[props.name];
  const describedBy = [error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
        onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {props.hint && (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function Checkbox(props: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  errors?: ShownErrors;
}): JSX.Element {
  const [id] = useState(() => `f${++fieldIds}`);
  const error = props.errors?.byField[props.name];
  return (
    <div class="field checkbox">
      <input
        id={id}
        type="checkbox"
        name={props.name}
        checked={props.checked}
        onChange={(event) => props.onChange((event.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{props.label}</label>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A create-or-edit form's footer: its general errors, the submit button, and Cancel while editing. */
export function FormFooter(props: {
  errors: ShownErrors;
  busy: boolean;
  editing: boolean;
  noun: string;
  onCancel: () => void;
}): JSX.Element {
  return (
    <>
      <GeneralErrors errors={props.errors} />
      <button type="submit" disabled={props.busy}>
        {props.editing ? `Save ${props.noun}` : `Create ${props.noun}`}
      </button>
      {props.editing && (
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      )}
    </>
  );
}

/** A list's table: a caption (the count), one header cell per column, the rows. */
export function DataTable(props: { caption: string; columns: readonly string[]; children: ComponentChildren }): JSX.Element {
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

/** A row's Disable/Enable and Delete buttons; Delete asks first. */
export function ToggleAndDelete(props: { enabled: boolean; what: string; onToggle: () => void; onDelete: () => void }): JSX.Element {
  return (
    <>
      <button type="button" onClick={props.onToggle}>
        {props.enabled ? 'Disable' : 'Enable'}
      </button>
      <button type="button" onClick={() => confirm(`Delete ${props.what}?`) && props.onDelete()}>
        Delete
      </button>
    </>
  );
}

/** Errors not tied to one input. */
export function GeneralErrors({ errors }: { errors: ShownErrors }): JSX.Element | null {
  if (errors.general.length === 0) return null;
  return (
    <div class="errors" role="alert">
      {errors.general.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}

/** A titled part of a screen; its heading takes focus when the console moves to the screen (tabIndex -1). */
export function Section(props: { title: string; children: ComponentChildren }): JSX.Element {
  return (
    <section aria-label={props.title}>
      <h2 tabIndex={-1}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** A secret shown once, with a copy button. */
export function ShownOnce({ label, secret }: { label: string; secret: string }): JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret" role="status">
      <p>
        <strong>{label}</strong> — shown once; store it now.
      </p>
      <code data-testid="shown-secret">{secret}</code>{' '}
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(secret).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/**
 * A list's search box and cursor paging. The list query's errors show here: one naming `search`
 * (too long, control characters) under the box, the others below it.
 */
export function ListTools(props: {
  label: string;
  /** What the search matches. */
  hint?: string;
  /** The box's text; `now` (Enter) searches without waiting for the pause in typing. */
  search: { text: string; onInput: (value: string) => void; now?: () => void };
  list: { error: GraphQLErrorEntry[] | null; hasNext: boolean; next: () => void; first: () => void; paged: boolean };
}): JSX.Element {
  const [id] = useState(() => `f${++fieldIds}`);
  const errors = showErrors(props.list.error ?? [], ['search']);
  const error = errors.byField.search;
  return (
    <>
      <div class={error ? 'list-tools invalid' : 'list-tools'}>
        <label for={id}>{props.label}</label>
        <input
          id={id}
          type="search"
          name="search"
          value={props.search.text}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={[error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined}
          onInput={(event) => props.search.onInput((event.currentTarget as HTMLInputElement).value)}
          onKeyDown={(event) => event.key === 'Enter' && props.search.now?.()}
        />
        {props.hint && (
          <small id={`${id}-hint`} class="hint">
            {props.hint}
          </small>
        )}
        <button type="button" onClick={props.list.first} disabled={!props.list.paged}>
          First page
        </button>
        <button type="button" onClick={props.list.next} disabled={!props.list.hasNext}>
          Next page
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {error}
        </p>
      )}
      <GeneralErrors errors={errors} />
    </>
  );
}

/** A result line, announced to screen readers; nothing while empty. */
export function Notice({ text, testId }: { text: string; testId?: string }): JSX.Element | null {
  if (!text) return null;
  return (
    <p role="status" class="notice" data-testid={testId}>
      {text}
    </p>
  );
}
