import { useEffect, useMemo, useState } from 'preact/hooks';
import { Debouncer } from './debounce';
import { searchTerm } from './list-position';

/** How long typing must pause before the list asks the API again. */
const SEARCH_DEBOUNCE_MS = 300;

/**
 * A list's search box: `text` follows every key, `term` (what the list query sends as `search`)
 * follows once typing pauses, or at once on Enter (`now`).
 */
export function useSearch() {
  const [text, setText] = useState('');
  const [term, setTerm] = useState<string | null>(null);
  const debouncer = useMemo(() => new Debouncer<string>(SEARCH_DEBOUNCE_MS, (value) => setTerm(searchTerm(value))), []);
  useEffect(() => () => debouncer.cancel(), []);
  return {
    text,
    term,
    onInput: (value: string) => {
      setText(value);
      debouncer.push(value);
    },
    now: () => debouncer.flush(),
  };
}
