import { quoted } from '../error-description';
import { ensure, errors } from '../errors';
import type { PromptValue } from './authorization-request';

const PROMPT_VALUES: readonly PromptValue[] = ['none', 'login', 'consent', 'select_account'];

/**
 * OIDC Core §3.1.2.1 `prompt`: a space-delimited set; `none` must stand
 * alone, unknown values are refused with `invalid_request`.
 */
export function parsePrompt(raw: string | undefined): PromptValue[] {
  if (raw === undefined) return [];
  const values = [...new Set(raw.split(' ').filter((v) => v.length > 0))];
  for (const value of values) {
    ensure((PROMPT_VALUES as readonly string[]).includes(value), () =>
      errors.invalidRequest(`unsupported prompt value ${quoted(value)}`, 'prompt'),
    );
  }
  ensure(!(values.includes('none') && values.length > 1), () =>
    errors.invalidRequest('prompt=none cannot be combined with other values', 'prompt'),
  );
  return values as PromptValue[];
}

/** OIDC Core §3.1.2.1 `max_age`: a non-negative integer number of seconds, or null when absent. */
export function parseMaxAge(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  ensure(/^\d{1,9}$/.test(raw), () => errors.invalidRequest('max_age must be a non-negative integer', 'max_age'));
  return Number(raw);
}
