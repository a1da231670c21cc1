import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkOutput,
  extractExamples,
  extractIncludedFiles,
  loadIncludedFiles,
  parseJsonStream,
  type Bindings,
} from '../../support/doc-examples';

/** The documented-examples extractor and matcher (docs/architecture.md "Documented examples are tests"). */
describe('doc examples', () => {
  const fence = '```';

  it('extracts marked sh blocks with their expectations and leaves unmarked blocks alone', () => {
    const md = [
      '<!-- example: one -->',
      `${fence}sh`,
      'echo 1',
      fence,
      '<!-- expect: one -->',
      `${fence}text`,
      '1',
      fence,
      `${fence}sh`,
      'npm start',
      fence,
      '<!-- example: two -->',
      `${fence}sh`,
      'X=1',
      fence,
    ].join('\n');
    const examples = extractExamples('doc.md', md);
    expect(examples.map(({ name, line, code, expect: e }) => ({ name, line, code, expect: e }))).toEqual([
      { name: 'one', line: 2, code: 'echo 1', expect: { kind: 'text', body: '1', line: 6 } },
      { name: 'two', line: 13, code: 'X=1', expect: undefined },
    ]);
  });

  it('leaves markers alone inside a longer fence that shows them as text', () => {
    const md = ['````markdown', '<!-- example: shown -->', `${fence}sh`, 'echo 1', fence, '````'].join('\n');
    expect(extractExamples('doc.md', md)).toEqual([]);
  });

  it('refuses an expectation that does not follow its example, and a marker without a block', () => {
    expect(() => extractExamples('doc.md', ['<!-- expect: one -->', `${fence}json`, '{}', fence].join('\n'))).toThrow('doc.md:1');
    expect(() => extractExamples('doc.md', ['<!-- example: one -->', 'text'].join('\n'))).toThrow('must be followed');
  });

  it('reads consecutive JSON values, with or without whitespace between them', () => {
    expect(parseJsonStream('{"a":"}"}{"b":[1]}\n"x\\"" 3 true')).toEqual([{ a: '}' }, { b: [1] }, 'x"', 3, true]);
  });

  it('matches exact keys, open objects, placeholders and bindings', () => {
    const bindings: Bindings = new Map();
    const json = (body: string, output: string) => checkOutput({ kind: 'json', body, line: 1 }, output, bindings);
    expect(json('{"id": "<uuid:u>", "n": "<int:t>"}', '{"id":"00000000-0000-4000-8000-000000000000","n":10}')).toBeNull();
    expect(json('{"id": "<uuid:u>", "n": "<int:t+5>", "…": "…"}', '{"id":"00000000-0000-4000-8000-000000000000","n":15,"x":1}')).toBeNull();
    expect(json('{"id": "<uuid:u>"}', '{"id":"11111111-0000-4000-8000-000000000000"}')).toContain('the same u');
    expect(json('{"n": "<int:t+5>"}', '{"n":16}')).toContain('t+5 = 15');
    expect(json('{"a": 1}', '{"a":1,"b":2}')).toContain('unexpected: b');
    expect(json('{"t": "<jwt>"}', '{"t":"not a jwt"}')).toContain('expected "<jwt>"');
    expect(json('["a", "…"]', '["a","b"]')).toBeNull();
  });

  it('matches text line by line, with … for any lines and placeholders within lines', () => {
    const bindings: Bindings = new Map();
    const text = (body: string, output: string) => checkOutput({ kind: 'text', body, line: 1 }, output, bindings);
    expect(
      text(
        'HTTP/1.1 401 Unauthorized\n…\nWWW-Authenticate: Bearer\n…\n{"code":"<string>",…}',
        'HTTP/1.1 401 Unauthorized\r\nA: b\r\nWWW-Authenticate: Bearer\r\n\r\n{"code":"x","m":1}',
      ),
    ).toBeNull();
    expect(text('200', '201\n')).toContain('expected "200"');
    expect(text('200', '200\n200')).toContain('unexpected further output');
  });

  it('extracts the blocks that show a file (<!-- file: PATH -->)', () => {
    const md = ['<!-- file: docs/examples/x.mjs -->', `${fence}js`, 'export const x = 1;', '', fence, 'after'].join('\n');
    expect(extractIncludedFiles('doc.md', md)).toEqual([
      { file: 'doc.md', line: 2, path: 'docs/examples/x.mjs', body: 'export const x = 1;\n' },
    ]);
    expect(() => extractIncludedFiles('doc.md', '<!-- file: x.mjs -->\ntext')).toThrow('doc.md:1');
  });

  it('shows every included file verbatim, the resource-server snippet of docs/api.md among them', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const included = loadIncludedFiles(root);
    expect(included.map(({ file, path: shown }) => `${file} ${shown}`)).toContain('docs/api.md docs/examples/verify-tenant-token.mjs');
    for (const block of included) {
      const where = `${block.file}:${block.line} shows ${block.path}`;
      expect({ where, body: `${block.body}\n` }).toEqual({ where, body: readFileSync(path.join(root, block.path), 'utf8') });
    }
  });
});
