/** GraphQL errors as the console shows them: next to the input at fault when `extensions.field` names one. */

export interface GraphQLErrorEntry {
  message: string;
  extensions?: { code?: string; field?: string };
}

export interface ShownErrors {
  /** Message per input name, `"[CODE] message"`. */
  byField: Record<string, string>;
  /** Errors not tied to an input of the form. */
  general: string[];
}

/** The error a GraphQL response (or a failed request) turns into on the client side. */
export class GraphQLFailure extends Error {
  constructor(readonly errors: GraphQLErrorEntry[]) {
    super(errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
    this.name = 'GraphQLFailure';
  }
}

const label = (error: GraphQLErrorEntry): string => `[${error.extensions?.code ?? 'ERROR'}] ${error.message}`;

/**
 * Sorts errors onto a form's inputs. `extensions.field` may be a path such as
 * `input.redirectUris` or `redirectUris[0]`; its last name segment is matched
 * against `fields`. Anything else is general.
 */
export function showErrors(errors: readonly GraphQLErrorEntry[], fields: readonly string[]): ShownErrors {
  const shown: ShownErrors = { byField: {}, general: [] };
  for (const error of errors) {
    const field = fieldOf(error.extensions?.field, fields);
    if (field && !shown.byField[field]) shown.byField[field] = label(error);
    else shown.general.push(label(error));
  }
  return shown;
}

function fieldOf(raw: string | undefined, fields: readonly string[]): string | null {
  if (!raw) return null;
  if (fields.includes(raw)) return raw;
  const names = raw.split(/[.[\]]/).filter((part) => part !== '' && !/^\d+$/.test(part));
  const last = names[names.length - 1];
  return last && fields.includes(last) ? last : null;
}

/** Any thrown value as errors to show: a GraphQL failure's own, or one general entry. */
export function errorsOf(error: unknown): GraphQLErrorEntry[] {
  if (error instanceof GraphQLFailure) return error.errors;
  return [{ message: error instanceof Error ? error.message : String(error), extensions: { code: 'NETWORK_ERROR' } }];
}
