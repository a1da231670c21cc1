import { quoted } from './error-description';
import { ensure, errors } from './errors';

// C0 controls, DEL and C1 controls; a second pattern lets horizontal tab through.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

/**
 * True when `text` holds a control character (C0, DEL or C1). RFC 6749
 * Appendix A allows none in any parameter except `username` and `password`,
 * whose UNICODECHARNOCRLF admits horizontal tab: `allowTab` lets it through.
 * A NUL can never be stored in PostgreSQL text, so this also guards lookups.
 */
export function hasControlCharacter(text: string, allowTab = false): boolean {
  return (allowTab ? CONTROL_BUT_TAB : CONTROL).test(text);
}

/** Refuses a control character in an OAuth parameter with `invalid_request` naming it. */
export function ensureNoControlCharacter(name: string, value: string, allowTab = false): string {
  ensure(!hasControlCharacter(value, allowTab), () =>
    errors.invalidRequest(`parameter ${quoted(name, 64)} contains a control character`, name),
  );
  return value;
}

/** Parameters whose syntax (RFC 6749 Appendix A, UNICODECHARNOCRLF) admits horizontal tab. */
export const TAB_ALLOWED_PARAMETERS: ReadonlySet<string> = new Set(['username', 'password']);
