import { hasControlCharacter } from './control-characters';
import { ensure, errors } from './errors';

const MAX_SEARCH_LENGTH = 200;

/**
 * The `search` argument of a list: trimmed, null when absent or blank, 1-200
 * characters without control characters. Matching is a case-insensitive
 * substring test in which `%`, `_` and `\` are literal (src/data/like-pattern.ts).
 */
export function searchTerm(search: string | null | undefined): string | null {
  const trimmed = (search ?? '').trim();
  if (trimmed === '') return null;
  ensure(trimmed.length <= MAX_SEARCH_LENGTH, () => errors.validation('search', `must be at most ${MAX_SEARCH_LENGTH} characters`));
  ensure(!hasControlCharacter(trimmed), () => errors.validation('search', 'must not contain control characters'));
  return trimmed;
}
