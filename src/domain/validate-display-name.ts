import { hasControlCharacter } from './control-characters';
import { ensure, errors } from './errors';

/** A display name (tenant, client): trimmed, 1-200 characters, no control character. */
export function validateDisplayName(name: string | null | undefined, field = 'name'): string {
  const trimmed = (name ?? '').trim();
  ensure(trimmed.length >= 1 && trimmed.length <= 200, () => errors.validation(field, 'must be 1-200 characters'));
  ensure(!hasControlCharacter(trimmed), () => errors.validation(field, 'must not contain control characters'));
  return trimmed;
}
