import type { ParseArgsConfig } from 'node:util';
import { usageError } from './cli-error';
import type { Connection } from './connection';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type FlagValues = Record<string, string | boolean | undefined>;

/** What a command prints: `json` with --json, `text` otherwise. */
interface CommandResult {
  json: unknown;
  text: string;
}

export interface CommandContext {
  values: FlagValues;
  positionals: string[];
  /** Authenticates against the server (client_credentials) on first use. */
  connect(): Promise<Connection>;
  /** Writes a line to stderr (progress, notes); never to stdout, which carries the result. */
  note(line: string): void;
}

/** One CLI command: its words (`clients create`), flags, help text and action. */
export interface Command {
  words: string;
  summary: string;
  /** Arguments after the words, as shown in help: `PATH`, `[FILE]`. */
  args?: string;
  /** How many positional arguments it takes. */
  positionals: number;
  options: OptionSpec;
  /** `--flag VALUE` → description, in help order. */
  help: [string, string][];
  run(context: CommandContext): Promise<CommandResult>;
}

/** A string flag, or a usage error naming it. */
export function required(values: FlagValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw usageError(`--${name} is required`);
  return value;
}

/** `a,b , c` → `['a','b','c']`; undefined when the flag is absent. */
export const list = (value: string | boolean | undefined): string[] | undefined =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
    : undefined;

/** An integer flag; undefined when absent. */
export function integer(values: FlagValues, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw usageError(`--${name} must be an integer`);
  return parsed;
}

/** Fixed-width columns for text output. */
export function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** Every node of a paginated admin list (`first`/`after`, docs/contract.md "GraphQL"). */
export async function allPages<T>(
  fetchPage: (after: string | null) => Promise<{ nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } }>,
): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(after);
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return nodes;
    after = page.pageInfo.endCursor;
  }
}
