import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The documented shell examples, extracted from README.md and docs/*.md so the
 * tests run what the reader sees (convention: docs/architecture.md, "Documented
 * examples are tests").
 *
 * A runnable example is a ```sh block right after `<!-- example: NAME -->`; its
 * expected output is the ```json or ```text block right after
 * `<!-- expect: NAME -->` (same NAME, before the next example). An example
 * without an expectation must print nothing.
 */
export interface DocExample {
  name: string;
  /** Repository-relative file and 1-based line of the ```sh fence. */
  file: string;
  line: number;
  code: string;
  expect?: { kind: 'json' | 'text'; body: string; line: number };
}

const MARKER = /^<!--\s*(example|expect):\s*([\w.-]+)\s*-->\s*$/;
const FENCE = /^```(\w*)\s*$/;

/** README.md first, then docs/*.md in alphabetical order: the order the examples run in. */
function documentedFiles(root: string): string[] {
  const docs = readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** Every marked example of one Markdown text, in order; throws on a malformed marker. */
export function extractExamples(file: string, markdown: string): DocExample[] {
  const lines = markdown.split('\n');
  const examples: DocExample[] = [];
  let fence = ''; // the open fence's backticks (a ````markdown block may show ``` blocks and markers as text)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const ticks = /^(`{3,})/.exec(line)?.[1];
    if (ticks && (!fence || (ticks === fence && line.trim() === fence))) {
      fence = fence ? '' : ticks;
      continue;
    }
    const marker = fence ? null : MARKER.exec(line);
    if (!marker) continue;
    const [, role, name] = marker as unknown as [string, 'example' | 'expect', string];
    const where = `${file}:${i + 1}`;
    const open = i + 1 < lines.length ? FENCE.exec(lines[i + 1]!) : null;
    if (!open) throw new Error(`${where}: <!-- ${role}: ${name} --> must be followed at once by a fenced block`);
    const end = lines.findIndex((l, j) => j > i + 1 && l.startsWith('```'));
    if (end < 0) throw new Error(`${where}: the block after <!-- ${role}: ${name} --> is not closed`);
    const body = lines.slice(i + 2, end).join('\n');
    if (role === 'example') {
      if (open[1] !== 'sh' && open[1] !== 'bash')
        throw new Error(`${where}: an example must be a sh block, not ${open[1] || 'a plain one'}`);
      examples.push({ name, file, line: i + 2, code: body });
    } else {
      const last = examples[examples.length - 1];
      if (!last || last.name !== name || last.expect)
        throw new Error(`${where}: <!-- expect: ${name} --> does not follow <!-- example: ${name} -->`);
      if (open[1] !== 'json' && open[1] !== 'text')
        throw new Error(`${where}: an expectation must be a json or text block, not ${open[1] || 'a plain one'}`);
      last.expect = { kind: open[1], body, line: i + 2 };
    }
    i = end;
  }
  return examples;
}

/** The examples of every documented file of the checkout at `root`, in run order; names are unique. */
export function loadExamples(root: string): DocExample[] {
  const all = documentedFiles(root).flatMap((file) => extractExamples(file, readFileSync(path.join(root, file), 'utf8')));
  const seen = new Map<string, DocExample>();
  for (const example of all) {
    const earlier = seen.get(example.name);
    if (earlier)
      throw new Error(`${example.file}:${example.line}: example name "${example.name}" is already used at ${earlier.file}:${earlier.line}`);
    seen.set(example.name, example);
  }
  return all;
}

/** A fenced block that shows a file of the checkout verbatim: `<!-- file: docs/examples/x.mjs -->` right before it. */
export interface IncludedFile {
  /** Where the block is: repository-relative file and 1-based line of its fence. */
  file: string;
  line: number;
  /** The repository-relative path of the file it shows. */
  path: string;
  body: string;
}

const FILE_MARKER = /^<!--\s*file:\s*([\w./-]+)\s*-->\s*$/;

/** Every `<!-- file: PATH -->` block of one Markdown text; throws on a marker without a block. */
export function extractIncludedFiles(file: string, markdown: string): IncludedFile[] {
  const lines = markdown.split('\n');
  const included: IncludedFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = FILE_MARKER.exec(lines[i]!);
    if (!marker) continue;
    const end = lines.findIndex((l, j) => j > i + 1 && l.startsWith('```'));
    if (!FENCE.test(lines[i + 1] ?? '') || end < 0)
      throw new Error(`${file}:${i + 1}: <!-- file: ${marker[1]} --> must be followed at once by a closed fenced block`);
    included.push({ file, line: i + 2, path: marker[1]!, body: lines.slice(i + 2, end).join('\n') });
    i = end;
  }
  return included;
}

/** The included-file blocks of every documented file of the checkout at `root`. */
export function loadIncludedFiles(root: string): IncludedFile[] {
  return documentedFiles(root).flatMap((file) => extractIncludedFiles(file, readFileSync(path.join(root, file), 'utf8')));
}

/** The documented base URLs, replaced by the running server's in code and expectations. */
const DOCUMENTED_BASES = ['http://127.0.0.1:4000', 'http://localhost:4000'];

export function withBaseUrl(text: string, baseUrl: string): string {
  return DOCUMENTED_BASES.reduce((out, base) => out.split(base).join(baseUrl), text);
}

/**
 * One bash script running every example in order in the same shell (variables
 * and functions carry over), each with its stdout, stderr and exit status in
 * `<outDir>/<index>.{out,err,rc}`.
 */
export function buildScript(examples: DocExample[], baseUrl: string, outDir: string): string {
  const parts = ['set -u'];
  examples.forEach((example, index) => {
    const out = `${outDir}/${index}`;
    parts.push(
      `# ${example.file}:${example.line} ${example.name}`,
      '{',
      withBaseUrl(example.code, baseUrl),
      `} >'${out}.out' 2>'${out}.err'`,
      `echo $? >'${out}.rc'`,
    );
  });
  return `${parts.join('\n')}\n`;
}

// ------------------------------------------------------------------ matching

/** Values bound by named placeholders (`<uuid:device>`), shared by every expectation of a run. */
export type Bindings = Map<string, string | number>;

const PLACEHOLDER = /<(jwt|uuid|token|string|int|any)(?::(\w+)(?:\+(\d+))?)?>|…/g;
const PATTERNS: Record<string, string> = {
  jwt: '[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+',
  uuid: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  token: '[A-Za-z0-9._~+/=-]+',
  string: '.+?',
  int: '-?\\d+',
  any: '.*?',
};

interface Slot {
  kind: string;
  name?: string;
  plus?: number;
}

/** An expected string or line as a regular expression with one group per placeholder. */
function compile(pattern: string): { regex: RegExp; slots: Slot[] } {
  const slots: Slot[] = [];
  let source = '';
  let last = 0;
  for (const m of pattern.matchAll(PLACEHOLDER)) {
    source += escapeRegex(pattern.slice(last, m.index));
    if (m[0] === '…') source += '.*?';
    else {
      slots.push({ kind: m[1]!, name: m[2], plus: m[3] === undefined ? undefined : Number(m[3]) });
      source += `(${PATTERNS[m[1]!]})`;
    }
    last = m.index + m[0].length;
  }
  return { regex: new RegExp(`^${source}${escapeRegex(pattern.slice(last))}$`, 's'), slots };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Checks placeholder captures against the bindings; binds new names. Returns a problem or null. */
function bind(slots: Slot[], captured: string[], bindings: Bindings, pending: Bindings): string | null {
  for (let k = 0; k < slots.length; k++) {
    const { kind, name, plus } = slots[k]!;
    const value: string | number = kind === 'int' ? Number(captured[k]) : captured[k]!;
    if (!name) continue;
    const known = pending.get(name) ?? bindings.get(name);
    if (plus !== undefined) {
      if (typeof known !== 'number') return `<${kind}:${name}+${plus}> refers to "${name}", which holds no number yet`;
      if (value !== known + plus) return `expected ${name}+${plus} = ${known + plus}, got ${value}`;
    } else if (known === undefined) pending.set(name, value);
    else if (known !== value) return `expected the same ${name} as before (${known}), got ${value}`;
  }
  return null;
}

function matchString(expected: string, actual: string, bindings: Bindings, pending: Bindings): string | null {
  const { regex, slots } = compile(expected);
  const m = regex.exec(actual);
  if (!m) return `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  return bind(slots, m.slice(1), bindings, pending);
}

const ELLIPSIS = new Set(['…', '...']);

function matchJson(expected: unknown, actual: unknown, where: string, bindings: Bindings, pending: Bindings): string | null {
  const at = (problem: string | null) => (problem ? `${where || '(top)'}: ${problem}` : null);
  if (typeof expected === 'string') {
    const whole = /^<(int|any)(?::\w+(?:\+\d+)?)?>$/.test(expected);
    if (whole && (typeof actual === 'number' || expected.startsWith('<any')))
      return at(matchString(expected, JSON.stringify(actual), bindings, pending));
    if (typeof actual !== 'string') return at(`expected a string like ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return at(matchString(expected, actual, bindings, pending));
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return at(`expected an array, got ${JSON.stringify(actual)}`);
    const open = expected.length > 0 && ELLIPSIS.has(expected[expected.length - 1] as string);
    const items = open ? expected.slice(0, -1) : expected;
    if (open ? actual.length < items.length : actual.length !== items.length)
      return at(`expected ${open ? 'at least ' : ''}${items.length} items, got ${actual.length}: ${JSON.stringify(actual)}`);
    for (let k = 0; k < items.length; k++) {
      const problem = matchJson(items[k], actual[k], `${where}[${k}]`, bindings, pending);
      if (problem) return problem;
    }
    return null;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return at(`expected an object, got ${JSON.stringify(actual)}`);
    const keys = Object.keys(expected).filter((key) => !ELLIPSIS.has(key));
    const open = keys.length !== Object.keys(expected).length;
    const missing = keys.filter((key) => !(key in actual));
    const extra = open ? [] : Object.keys(actual).filter((key) => !keys.includes(key));
    if (missing.length || extra.length)
      return at(
        `keys differ (missing: ${missing.join(', ') || 'none'}; unexpected: ${extra.join(', ') || 'none'}) in ${JSON.stringify(actual)}`,
      );
    for (const key of keys) {
      const problem = matchJson(
        (expected as Record<string, unknown>)[key],
        (actual as Record<string, unknown>)[key],
        `${where}.${key}`,
        bindings,
        pending,
      );
      if (problem) return problem;
    }
    return null;
  }
  return expected === actual ? null : at(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Consecutive JSON values of a text (as several `curl -s` print them, with or without newlines between). */
export function parseJsonStream(text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  for (skip(); i < text.length; skip()) {
    const start = i;
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      let inString = false;
      for (; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{' || c === '[') depth++;
        else if ((c === '}' || c === ']') && --depth === 0) break;
      }
      i++;
    } else if (text[i] === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
    } else {
      while (i < text.length && !/[\s{["]/.test(text[i]!)) i++;
    }
    values.push(JSON.parse(text.slice(start, i)));
  }
  return values;
}

function matchLines(expected: string[], actual: string[], bindings: Bindings, pending: Bindings): string | null {
  if (expected.length === 0) return actual.length === 0 ? null : `unexpected further output: ${JSON.stringify(actual.join('\n'))}`;
  const [head, ...rest] = expected;
  if (head === '…') {
    for (let skip = 0; skip <= actual.length; skip++) {
      const trial = new Map(pending);
      if (!matchLines(rest, actual.slice(skip), bindings, trial)) {
        trial.forEach((value, key) => pending.set(key, value));
        return null;
      }
    }
    return `no run of lines matches ${JSON.stringify(rest.join('\n'))}`;
  }
  if (actual.length === 0) return `expected the line ${JSON.stringify(head)}, got the end of the output`;
  return matchString(head!, actual[0]!, bindings, pending) ?? matchLines(rest, actual.slice(1), bindings, pending);
}

/**
 * Checks an example's output against its expectation; returns a problem or
 * null. New bindings are kept only when everything matched.
 *
 * - json: the output is a sequence of JSON values, one per expected value. An
 *   object must have exactly the expected keys unless one key is `…`; an array
 *   ending in `"…"` may be longer. In strings, `<jwt>`, `<uuid>`, `<token>`,
 *   `<string>`, `<int>` and `<any>` match a value of that kind, `…` any text;
 *   `"<int>"` and `"<any>"` also match numbers.
 * - text: line by line, blank lines left out; a line `…` matches any number
 *   of lines, and placeholders and `…` work within lines.
 * - `<kind:name>` binds the value on first use and requires the same value
 *   later (in any example); `<int:name+N>` requires the bound number plus N.
 */
export function checkOutput(expect: NonNullable<DocExample['expect']>, output: string, bindings: Bindings): string | null {
  const pending: Bindings = new Map();
  let problem: string | null;
  if (expect.kind === 'json') {
    const wanted = parseJsonStream(expect.body);
    let got: unknown[];
    try {
      got = parseJsonStream(output);
    } catch {
      return `expected JSON, got ${JSON.stringify(output.slice(0, 2000))}`;
    }
    problem = got.length !== wanted.length ? `expected ${wanted.length} JSON value(s), got ${got.length}: ${output.slice(0, 2000)}` : null;
    for (let k = 0; !problem && k < wanted.length; k++)
      problem = matchJson(wanted[k], got[k], wanted.length > 1 ? `#${k + 1}` : '', bindings, pending);
  } else {
    const trim = (text: string) => text.split(/\r?\n/).filter((line) => line !== '');
    problem = matchLines(trim(expect.body), trim(output), bindings, pending);
  }
  if (!problem) pending.forEach((value, key) => bindings.set(key, value));
  return problem;
}
