import { isDomainError } from '../errors';

/** Environment variables a provisioning file may reference as `${NAME}`. */
export type ProvisioningVariables = Readonly<Record<string, string | undefined>>;

type Json = Record<string, unknown>;

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Reads a parsed JSON document field by field, expanding `${NAME}` references
 * in every string and collecting every problem with its JSON path, so one pass
 * reports all of them.
 */
export class DocumentReader {
  readonly problems: string[] = [];

  /**
   * `variables` null: the document's references were resolved by its sender (`tenant-idp apply`), so
   * strings are read as they are. `resolveInPlace`: every expanded string is written back into the
   * document read, which then holds the resolved values (what `tenant-idp apply` sends).
   */
  constructor(
    private readonly variables: ProvisioningVariables | null,
    private readonly resolveInPlace = false,
  ) {}

  problem(at: string, message: string): void {
    this.problems.push(`${at}: ${message}`);
  }

  /** An object with only the listed fields; null (and a problem) otherwise. */
  object(value: unknown, at: string, fields: readonly string[]): Json | null {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.problem(at, 'must be an object');
      return null;
    }
    for (const key of Object.keys(value)) {
      if (!fields.includes(key)) this.problem(join(at, key), `unknown field (expected one of ${fields.join(', ')})`);
    }
    return value as Json;
  }

  array(object: Json, key: string, at: string): unknown[] {
    const value = object[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem(join(at, key), 'must be an array');
      return [];
    }
    return value;
  }

  string(object: Json, key: string, at: string, options: { required?: boolean; nullable?: boolean } = {}): string | null | undefined {
    const value = object[key];
    if (value === undefined || (value === null && options.nullable)) {
      if (options.required) this.problem(join(at, key), 'is required');
      return value as null | undefined;
    }
    if (typeof value !== 'string') {
      this.problem(join(at, key), 'must be a string');
      return undefined;
    }
    const expanded = this.expand(value, join(at, key));
    if (this.resolveInPlace && expanded !== undefined) object[key] = expanded;
    return expanded;
  }

  strings(object: Json, key: string, at: string): string[] | undefined {
    const value = object[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      this.problem(join(at, key), 'must be an array of strings');
      return undefined;
    }
    const expanded = value.map((item: string, i) => this.expand(item, `${join(at, key)}[${i}]`));
    if (this.resolveInPlace) for (const [i, item] of expanded.entries()) if (item !== undefined) value[i] = item;
    return expanded.every((item) => item !== undefined) ? (expanded as string[]) : undefined;
  }

  boolean(object: Json, key: string, at: string): boolean | undefined {
    const value = object[key];
    if (value === undefined || typeof value === 'boolean') return value;
    this.problem(join(at, key), 'must be true or false');
    return undefined;
  }

  integer(object: Json, key: string, at: string): number | undefined {
    const value = object[key];
    if (value === undefined || Number.isInteger(value)) return value as number | undefined;
    this.problem(join(at, key), 'must be an integer');
    return undefined;
  }

  /**
   * Runs a domain validator; a `validation_failed` error becomes a problem
   * located under `at` (the validator's own field name is appended unless it
   * already is a full path).
   */
  check<T>(at: string, validate: () => T): T | undefined {
    try {
      return validate();
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'validation_failed') throw error;
      const field = error.field ?? '';
      const message = field && error.description.startsWith(`${field}: `) ? error.description.slice(field.length + 2) : error.description;
      this.problems.push(`${!field ? at : field.startsWith(`${at}.`) || field === at ? field : join(at, field)}: ${message}`);
      return undefined;
    }
  }

  private expand(value: string, at: string): string | undefined {
    const variables = this.variables;
    if (variables === null) return value;
    let ok = true;
    const expanded = value.replace(REFERENCE, (_, name: string) => {
      const resolved = variables[name];
      if (resolved === undefined) {
        this.problem(at, `environment variable ${name} is not set`);
        ok = false;
        return '';
      }
      return resolved;
    });
    return ok ? expanded : undefined;
  }
}

/** `tenants[0]` + `path` → `tenants[0].path`. */
const join = (at: string, key: string): string => (at ? `${at}.${key}` : key);
