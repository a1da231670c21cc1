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

export interface ErrorPlacement {
  /** The API's name for a field → the form's input name (e.g. `path` → `tenantPath`). */
  aliases?: Readonly<Record<string, string>>;
  /**
   * The input that names the form's one subject (a user id, a client id): errors that name no
   * field (NOT_FOUND, also for something outside the admin's subtree) are about it.
   */
  subject?: string;
}

/**
 * Sorts errors onto a form's inputs. `extensions.field` may be a path such as
 * `input.redirectUris`, `redirectUris[0]` or `permissions[1].name`; its outermost
 * name segment that is one of `fields` (after `aliases`) is the input. A variable GraphQL itself refused
 * (`Variable "$before" got invalid value …`) names its input too. Errors naming
 * no field go to `subject` when the form has one; anything else is general.
 */
export function showErrors(errors: readonly GraphQLErrorEntry[], fields: readonly string[], placement: ErrorPlacement = {}): ShownErrors {
  const shown: ShownErrors = { byField: {}, general: [] };
  for (const error of errors) {
    const named = error.extensions?.field ?? VARIABLE.exec(error.message)?.[1];
    const field = named
      ? fieldOf(named, fields, placement.aliases ?? {})
      : placement.subject && fields.includes(placement.subject)
        ? placement.subject
        : null;
    if (field && !shown.byField[field]) shown.byField[field] = label(error);
    else shown.general.push(label(error));
  }
  return shown;
}

const VARIABLE = /^Variable "\$(\w+)"/;

function fieldOf(raw: string, fields: readonly string[], aliases: Readonly<Record<string, string>>): string | null {
  const known = (name: string | undefined): string | null => {
    const field = name === undefined ? undefined : (aliases[name] ?? name);
    return field && fields.includes(field) ? field : null;
  };
  const names = raw.split(/[.[\]]/).filter((part) => part !== '' && !/^\d+$/.test(part));
  // The outermost name the form knows: `permissions[1].name` is about the permissions input, not the name input.
  return known(raw) ?? names.map(known).find((field) => field !== null) ?? null;
}

/** Any thrown value as errors to show: a GraphQL failure's own, or one general entry. */
export function errorsOf(error: unknown): GraphQLErrorEntry[] {
  if (error instanceof GraphQLFailure) return error.errors;
  return [{ message: error instanceof Error ? error.message : String(error), extensions: { code: 'NETWORK_ERROR' } }];
}
