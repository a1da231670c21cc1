/**
 * RFC 6749 §5.2 (and §4.1.2.1): `error_description` is limited to
 * %x20-21 / %x23-5B / %x5D-7E, printable ASCII without `"` and `\`.
 * The OAuth edges (oauth-error-response.ts, authorization-response.ts) pass
 * every description through {@link oauthErrorDescription}; messages quote
 * values with {@link quoted}, so they read well once there.
 */
const NOT_ALLOWED = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/** Whether `text` may be sent as `error_description` unchanged. */
export const isOAuthErrorDescription = (text: string): boolean => !/[^\x20\x21\x23-\x5b\x5d-\x7e]/.test(text);

/** `text` as an `error_description`: `"` becomes `'`, any other character outside the set becomes `?`. */
export function oauthErrorDescription(text: string): string {
  if (isOAuthErrorDescription(text)) return text;
  return text.replace(/"/g, "'").replace(NOT_ALLOWED, '?');
}

/** A caller's value inside an error message: single-quoted, cut to `max` characters, never `"` or `\` or a control character. */
export function quoted(value: string, max = 40): string {
  const cut = value.length > max ? `${value.slice(0, max)}...` : value;
  return `'${oauthErrorDescription(cut)}'`;
}
