import { useState } from 'preact/hooks';
import { useSubmit } from './ui';

/**
 * The create-or-edit form of a list screen: the row being edited (null: creating),
 * the form's draft, its submit state with errors on `fields`, and row actions that
 * reload the list when done.
 */
export function useEditor<Row, Draft>(empty: Draft, fields: readonly string[], reload: () => void) {
  const [editing, setEditing] = useState<Row | null>(null);
  const [draft, setDraft] = useState<Draft>(empty);
  const form = useSubmit(fields);
  const rowAction = useSubmit([]);
  const cancel = () => {
    setEditing(null);
    setDraft(empty);
    form.reset();
  };
  return {
    editing,
    draft,
    form,
    rowAction,
    cancel,
    // An updater, not `{ ...draft }` from this render: two inputs changed before the next render both stay changed.
    set:
      <K extends keyof Draft>(key: K) =>
      (value: Draft[K]) =>
        setDraft((current) => ({ ...current, [key]: value })),
    edit: (row: Row, rowDraft: Draft) => {
      setEditing(row);
      setDraft(rowDraft);
      form.reset();
    },
    /** The form's submit handler: runs `save`, then clears the form and reloads the list. */
    submit: (save: () => Promise<void>) => (event: Event) => {
      event.preventDefault();
      void form.run(async () => {
        await save();
        setEditing(null);
        setDraft(empty);
        reload();
      });
    },
    act: (action: () => Promise<unknown>) =>
      void rowAction.run(async () => {
        await action();
        reload();
      }),
  };
}
